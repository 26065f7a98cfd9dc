"""What the report form says to the citizen: one place for a Pemda to review or adapt the wording.

Style: short, polite Indonesian ("Anda", "mohon"), one idea per message, readable on a small phone
screen. A `{name}` in a text is filled in by the action (as in Rasa's responses): keep each one. The
questions that need nothing from the draft (utter_ask_isi, utter_ask_tujuan, utter_ask_privasi) and
the menu are responses in dialogue/domain.yml.

When rewording a question, keep the word it is recognised by in bench/loadgen.py (PROMPTS) and the
end-to-end tests: "kapan", "lokasi"/"di mana", "bukti", "judul", "kategori", "instansi", "kirim laporan
ini". Button titles are pressed by the end-to-end tests as they are written here.
"""

from __future__ import annotations

from actions.report.steps import ASPIRASI, INFORMASI, PENGADUAN
from common import report_steps

# The three classifications, as the citizen reads them.
KIND_NAMES = {PENGADUAN: "pengaduan", ASPIRASI: "aspirasi", INFORMASI: "permintaan informasi"}

# --- buttons shared by several steps ---

SKIP = "⏭️ Lewati"
LEAVE_TO_ADMINS = "🤷 Serahkan ke admin LAPOR!"
DONE = "✅ Selesai"

# --- starting ---


def opening(kind: str) -> str:
    return (
        f"Baik, kita buat {KIND_NAMES[kind]} 📝. Saya akan menanyakan beberapa hal. "
        'Ketik "batal" kapan saja untuk berhenti.'
    )


STORY_KEPT = "Cerita Anda sudah saya catat."

# --- no wrong door: a story the NLU did not take for a report, emergencies, who answers ---

OFFER_TO_FILE = "Mau saya bantu laporkan ini?"
FILE_IT, DO_NOT_FILE = "✅ Ya, laporkan", "Tidak"
EMERGENCY = (
    "🚨 Jika ini darurat dan sedang terjadi, segera hubungi:\n"
    "• 112 (panggilan darurat)\n• Polisi 110\n• Pemadam kebakaran 113\n• Ambulans 119\n"
    "• BPBD setempat (bencana)\n"
    "LAPOR! bukan layanan darurat: laporan di sini tidak ditangani seketika."
)
# Followed by utter_human_handoff (dialogue/domain.yml): how to reach a person.
I_AM_A_BOT = (
    "Saya asisten otomatis (bot) LAPOR!: saya membantu membuat laporan dan mengecek statusnya. "
    "Pesan di sini tidak dibaca petugas secara langsung."
)

# --- cancelling ---

CANCEL_DRAFT = "Batalkan laporan ini? Isinya akan hilang."
CANCEL_IT, KEEP_IT = "🗑️ Ya, batalkan", "↩️ Tidak, lanjutkan"
DRAFT_KEPT = "Baik, kita lanjutkan."
# Before the draft's question when it goes on after news or an answer to an agency ({title}: the
# draft's title, or its first words).
RESUME_DRAFT = "Kita lanjutkan laporan {title} tadi:"
RESUME_UNTITLED = "Kita lanjutkan laporan yang sedang Anda isi tadi:"

# --- isi, judul ---

STORY_TOO_SHORT = "Mohon ceritakan sedikit lebih lengkap, setidaknya satu kalimat."
TITLE_EXAMPLE = '"Jalan berlubang di Jl. Merdeka"'
ASK_TITLE = f"Ketik judul singkat laporan Anda, misalnya {TITLE_EXAMPLE}."
TITLE_TOO_SHORT = f"Judulnya terlalu pendek. Tulis beberapa kata, misalnya {TITLE_EXAMPLE}."
TITLE_IS_NAME = f"Judul sebaiknya menyebut masalahnya, bukan nama atau salam 🙂. Misalnya {TITLE_EXAMPLE}."
UNTITLED = "Laporan warga"  # a title when the story gives none (it starts with nothing but a greeting)
USE_TITLE = "✅ Pakai judul ini"


TITLE_SUGGESTED = 'Usulan judul: "{title}"\nPakai judul ini, atau ketik judul lain.'
INFORMATION_TITLE = "Permintaan informasi: {subject}"  # the title of a request, from its first words


# --- tanggal ---

DATE_EXAMPLES = "kemarin, 3 hari yang lalu, 17 Agustus, atau 15/11/2026"
ASK_DATE = f"Kapan kejadiannya? Misalnya: {DATE_EXAMPLES}."
TODAY, YESTERDAY = "Hari ini", "Kemarin"
DATE_UNREADABLE = f"Maaf, tanggalnya belum saya pahami. Contoh: {DATE_EXAMPLES}."
DATE_IN_FUTURE = "{day} belum terjadi. Tanggal kejadian tidak boleh di masa depan."
DATE_VERY_OLD = "{day} sudah lebih dari setahun lalu. Tanggalnya sudah benar?"
DATE_RIGHT, CHANGE_DATE = "✅ Ya, benar", "✏️ Ubah tanggal"


# --- lokasi ---

ADDRESS_EXAMPLE = '"Jl. Merdeka, Sumur Bandung, Kota Bandung"'
ASK_PLACE = (
    "Di mana lokasinya? Kirim lokasi Anda, atau ketik alamat dengan kecamatan dan "
    f"kabupaten/kota, misalnya {ADDRESS_EXAMPLE}."
)
ASK_REGION = "Untuk wilayah mana aspirasi ini? Sebutkan kabupaten/kota (opsional)."
PLACE_AMBIGUOUS = '"{typed}" bisa berarti beberapa wilayah. Yang mana?'
NONE_OF_THESE = "Tidak ada yang cocok"
PLACE_MORE_DETAIL = "Baik. Tulis alamatnya lebih lengkap, dengan kecamatan dan kabupaten/kota."
PLACE_UNKNOWN = (
    "Lokasi itu belum saya kenali. Sebutkan kecamatan dan kabupaten/kota, "
    f"misalnya {ADDRESS_EXAMPLE}, atau kirim lokasi."
)
WHICH_CITY = "Di kabupaten/kota mana di {province}?"
PIN_RECEIVED = "📍 Lokasi diterima."
PIN_RECEIVED_IN = "📍 Lokasi diterima: {region}."
PIN_ABROAD = "📍 Maaf, titik peta itu berada di luar Indonesia. Kirim lokasi lain, atau ketik alamatnya."
PIN_ADDED = "📍 Titik peta diterima. Alamat yang Anda tulis tetap saya catat."
PLACE_WITH_PIN = "{place}; titik peta ({lat:.5f}, {lon:.5f})"  # a typed address with a pin sent later
PIN_PLACE = "Titik peta ({lat:.5f}, {lon:.5f})"  # a shared pin, as the summary shows it


# --- bukti (the attachment lines are said by the reply form too) ---

ASK_EVIDENCE = (
    "Ada foto, video, atau dokumen sebagai bukti? Kirim di sini (maks. {limit} berkas). "
    "Jika tidak ada, pilih Lewati."
)
EVIDENCE_MORE = "Sudah {count} bukti. Kirim lagi, atau pilih Selesai."
EVIDENCE_FULL = "Sudah {count} bukti (batas maksimal)."
EVIDENCE_MISSING = "Silakan kirim foto, video, atau dokumennya di sini, atau pilih Selesai."
NEXT = "✅ Lanjut"
FILE_REFUSED = (
    "⚠️ {name} tidak bisa dilampirkan: hanya foto, video, pesan suara, PDF, atau dokumen Office "
    "hingga {max_mb} MB."
)
NOT_SAVED = (
    "⚠️ Maaf, laporan Anda belum tersimpan karena gangguan sistem. Mohon kirim lagi dalam beberapa "
    'saat: ketik "kirim".'
)
SENDING = (
    "⏳ Laporan Anda sudah kami terima dan sedang dikirim ke LAPOR!. Nomor pelacakannya akan kami "
    "kabarkan di sini. Tidak perlu mengirim ulang."
)
VOICE_NOTE_PROMPT = (
    "🎙️ Pesan suara disimpan sebagai bukti. Agar cepat dipahami petugas, mohon ketik juga secara singkat "
    "apa yang terjadi."
)
CAPTION_AS_STORY = "📝 Keterangan pada berkas saya catat sebagai cerita laporan."
FILE_AGAIN = "{name} sudah dilampirkan sebelumnya."
FILE_OVER_LIMIT = "⚠️ Maksimal {limit} lampiran; {name} tidak disimpan."
FILE_RECEIVED = "📎 Bukti {number} diterima: {name}"
UNNAMED_FILE = "berkas"


# --- kategori, instansi ---

ROUTING_NOUNS = {"kategori": "kategori", "instansi": "instansi"}  # by slot
AGREE, CHOOSE_OTHER = "✅ Setuju", "🔁 Pilih {noun} lain"


def routing_suggested(slot: str, name: str) -> str:
    who = "laporan ini masuk kategori" if slot == "kategori" else "yang berwenang adalah"
    return f"Menurut saya, {who}: {name}. Setuju?"


def choose_from_list(slot: str, optional: bool) -> str:
    return (
        f"Pilih {ROUTING_NOUNS[slot]} yang sesuai, ketik namanya, atau serahkan ke admin LAPOR! "
        f"({'tidak wajib' if optional else 'admin akan memilihkan'})."
    )


# LAPOR's categories have sub-categories: asked once a category that has them is chosen.
WHICH_SUBCATEGORY = "{name}: bagian mana yang paling sesuai? Pilih, atau ketik namanya."
WHOLE_CATEGORY = "Lainnya ({name})"
ROUTING_NOT_FOUND = (
    "{noun} itu tidak saya temukan. Pilih dari daftar, ketik namanya, atau serahkan ke admin LAPOR!."
)


# --- tujuan, privasi ---

PURPOSE_MISSING = (
    "Tujuan penggunaan wajib diisi untuk permintaan informasi. Mohon tuliskan singkat, misalnya: penelitian."
)
PRIVACY_CHOICES = "Pilih salah satu: Rahasia, Anonim, atau Biasa."
PRIVACY_MEANINGS = {  # by choice (steps.PRIVACY)
    "rahasia": "🔒 Rahasia: laporan tidak tampil ke publik",
    "anonim": "🕶️ Anonim: laporan publik, identitas Anda disembunyikan",
    "biasa": "👥 Biasa: laporan dan nama Anda dapat dilihat publik",
}
# A permintaan informasi as LAPOR receives it: the request, then what the information is for.
INFORMATION_BODY = "{body}\n\nTujuan penggunaan informasi: {purpose}"
EVIDENCE_NOTES = "Keterangan pada lampiran:"  # the captions, at the end of the report's body
EVIDENCE_NOTE = "- {name}: {note}"


# --- the summary and the confirmation ---

SUMMARY_LABELS = {  # by step
    "judul": "Judul",
    "isi": "Isi",
    "tanggal_kejadian": "Tanggal kejadian",
    "lokasi": "Lokasi",
    "lampiran_selesai": "Bukti",
    "kategori": "Kategori",
    "instansi": "Instansi tujuan",
    "tujuan": "Tujuan penggunaan",
    "privasi": "Privasi",
}
SUMMARY_LINE = "• {label}: {value}"
PLACE_SKIPPED = "(dilewati)"
EVIDENCE_COUNT = "{count} berkas"
NO_EVIDENCE = "(tidak ada)"
CHOSEN_BY_ADMINS = "dipilihkan admin LAPOR!"
# The buttons that pick a step to change: their words live with the dashboard's names of the steps.
STEP_LABELS = report_steps.LABELS
WHICH_PART = "Bagian mana yang ingin diubah?"
SEND, CHANGE, CANCEL = "✅ Kirim", "✏️ Ubah", "❌ Batal"
CONFIRM = "{summary}\n\nKirim laporan ini?"
CONFIRM_CHOICES = "Pilih Kirim untuk mengirim, Ubah untuk memperbaiki, atau Batal."
# A NIK or phone number in the story or title (common/privacy.py): said once, before sending.
NUMBERS_IN_PUBLIC_REPORT = (
    "{summary}\n\n⚠️ Laporan Anda memuat NIK/nomor HP, dan laporan ini dapat dilihat publik. "
    "Samarkan nomornya, jadikan laporan rahasia, atau biarkan?"
)
NUMBERS_IN_CONFIDENTIAL_REPORT = (
    "{summary}\n\nℹ️ Laporan Anda memuat NIK/nomor HP. Laporan rahasia tidak tampil ke publik, hanya "
    "petugas yang membacanya. Kirim laporan ini, atau samarkan dulu nomornya?"
)
MASK_NUMBERS, MAKE_CONFIDENTIAL, LEAVE_NUMBERS = "🙈 Samarkan", "🔒 Jadikan rahasia", "Biarkan"


def summary_heading(kind: str) -> str:
    return f"📋 Ringkasan {KIND_NAMES[kind]} Anda:"


# --- sending ---

DAILY_LIMIT_AT_START = (
    "🙏 Hari ini Anda sudah mengirim {limit} laporan, batas harian per warga. Laporan baru bisa dibuat "
    'lagi besok. Untuk mengecek laporan yang sudah dikirim, ketik "cek status".'
)
DAILY_LIMIT_AT_SUBMISSION = (
    "🙏 Hari ini Anda sudah mengirim {limit} laporan, batas harian per warga. Laporan ini tidak hilang: "
    'saya simpan, dan besok cukup ketik "kirim" untuk mengirimnya.'
)

KEPT = (
    "⏳ LAPOR! sedang lambat atau tidak dapat dihubungi. Laporan Anda sudah kami simpan dan akan "
    "dikirim otomatis; nomor pelacakannya akan kami kabarkan di sini. Tidak perlu mengirim ulang."
)
REFUSED = (
    "Maaf, LAPOR! tidak dapat menerima laporan ini. Silakan coba buat ulang, atau hubungi "
    "lapor.go.id / SMS 1708."
)
CHECK_STATUS = "🔎 Cek status"


def delivered(tracking_id: str, title: str, later: bool, again: bool = False) -> str:
    """The tracking number, said at once, (`later`) when a kept report reached LAPOR, or (`again`) to a
    "kirim"/"ya" after it was filed: that names the report, so no one takes it for a new one filed."""
    named = f'"{title}"' if title else "Anda"
    if later:
        opening = f"✅ Kabar baik: laporan {named} sudah diterima LAPOR!."
    elif again:
        opening = f"✅ Laporan {named} sudah terkirim sebelumnya."
    else:
        opening = "✅ Laporan Anda terkirim!"
    return (
        f"{opening}\nNomor pelacakan: #{tracking_id}\nSimpan nomor ini. Admin LAPOR! akan "
        "memverifikasinya dalam 3 hari kerja; perkembangannya akan saya kabarkan di sini."
    )


# --- what the opening story already told, confirmed in one step (report/noted.py) ---
NOTED = "Saya catat dari cerita Anda:\n{lines}\nBenar?"
NOTED_LINE = "• {label}: {value}"
NOTED_LABELS = {
    "judul": "Judul",
    "tanggal_kejadian": "Waktu",
    "lokasi": "Lokasi",
    "kategori": "Kategori",
    "instansi": "Instansi",
}
NOTED_RIGHT, NOTED_CHANGE = "✅ Benar", "✏️ Ubah"
NOTED_CHOICES = (
    'Pilih Benar, atau Ubah untuk menjawabnya satu per satu (atau ketik misalnya "lokasinya salah").'
)
TITLE_CHANGED = 'Judul diganti: "{title}"'

# --- answers that belong elsewhere (report/redirects.py): applied, then the step is asked again ---
NOT_IN_STORY = "Maaf, {what} belum saya temukan di cerita Anda. Mohon tulis sekali lagi."
NO_EVIDENCE_NOTED = "Baik, laporan dikirim tanpa foto/bukti."
NO_MORE_EVIDENCE = "Baik, tidak ada bukti lagi. {count} berkas yang sudah dikirim tetap terlampir."
DATE_NOTED = "Tanggal kejadian saya catat: {day}."
KIND_CHANGED = "Baik, laporan ini saya jadikan {kind}."
ANSWERS_KEPT = " Cerita dan jawaban Anda tetap tersimpan."  # after KIND_CHANGED, once a story was told

# --- digressions while filling: answered, then the step is asked again ---
SMALL_TALK = "🙂 Saya asisten otomatis LAPOR!, siap membantu kapan saja. Kita lanjutkan laporannya ya."
MENU_WHILE_FILLING = (
    'Anda sedang membuat laporan. Jawab pertanyaan di bawah untuk melanjutkan, atau ketik "batal".'
)
# A step whose answer failed twice: an example and a way out.
STUCK = {
    "isi": 'Contoh: "Jalan di depan SD 3 berlubang besar sejak seminggu, motor sering jatuh."',
    "judul": f"Contoh judul: {TITLE_EXAMPLE}. Atau pilih Pakai judul usulan.",
    "tanggal_kejadian": 'Contoh: "kemarin", "3 hari lalu", "tgl 5". Kalau lupa, pilih Lupa tanggalnya.',
    "lokasi": 'Contoh: "Jl. Merdeka, Sumur Bandung, Kota Bandung". Lokasi boleh dilewati.',
    "lampiran_selesai": "Kirim foto/dokumennya, atau pilih Lewati kalau tidak ada.",
    "kategori": "Kalau bingung, serahkan saja ke admin LAPOR! untuk memilihkan.",
    "instansi": "Kalau bingung, serahkan saja ke admin LAPOR! untuk memilihkan.",
    "privasi": "Ketik salah satu: rahasia, anonim, atau biasa.",
    "konfirmasi": "Pilih Kirim, Ubah, atau Batal.",
}
STUCK_INTRO = "Sepertinya jawabannya belum pas. "
FORGOT_DATE = "🤷 Lupa tanggalnya"
ASK_OFFICER = "👤 Hubungi petugas"
