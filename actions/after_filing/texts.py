"""What the citizen reads after filing: the news of a report (news.py), answering an agency
(reply_form.py) and rating a completed report (rating_form.py). One place to review the wording.

Style: short, polite Indonesian ("Anda", "mohon"), one idea per message, readable on a small phone
screen. A `{name}` in a text is filled in by the action ({id} is a tracking number): keep each one.
The questions "solved?", the score and the comment are responses in dialogue/domain.yml
(utter_ask_masalah_selesai, utter_ask_nilai, utter_ask_komentar); a report's status is in
actions/status_texts.py. Button titles are pressed by the end-to-end tests as they are written here.
"""

from __future__ import annotations

# --- news of a report ---

DRAFT_WAITS = "Laporan yang sedang Anda isi tetap tersimpan; kita lanjutkan setelah ini."
STATUS_NEWS = {  # by LAPOR status; {id} is the tracking number, {agency} the agency's name
    "verified": (
        "✅ Laporan #{id} sudah diverifikasi admin LAPOR! dan segera diteruskan ke instansi yang berwenang."
    ),
    "forwarded": "📨 Laporan #{id} sudah diteruskan ke {agency}.",
    "followed_up": "💬 Laporan #{id} sudah ditindaklanjuti instansi.",
    "completed": "🏁 Laporan #{id} dinyatakan selesai. Terima kasih sudah melapor!",
    "archived": "🗂️ Laporan #{id} diarsipkan oleh LAPOR!.",
}
# What a follower (not the reporter) hears: the public status only, never an agency's question, and no
# thanks for a report they did not file. Every status has its own line here: none falls back on the above.
FOLLOWER_NEWS = {
    "verified": "✅ Laporan #{id} yang Anda ikuti sudah diverifikasi admin LAPOR!.",
    "forwarded": "📨 Laporan #{id} yang Anda ikuti sudah diteruskan ke {agency}.",
    "followed_up": "💬 Laporan #{id} yang Anda ikuti sudah ditindaklanjuti instansi.",
    "completed": "🏁 Laporan #{id} yang Anda ikuti dinyatakan selesai.",
    "archived": "🗂️ Laporan #{id} yang Anda ikuti diarsipkan oleh LAPOR!.",
}
OTHER_NEWS = "ℹ️ Ada kabar baru untuk laporan #{id}."
SOME_AGENCY = "instansi yang berwenang"  # when the agency's name cannot be read from LAPOR
AN_AGENCY = "instansi"
DUE_BY = " Instansi wajib menindaklanjutinya paling lambat {day}."  # added to the news of a forwarding
ARCHIVE_REASON = "\nAlasan: {reason}"
FOLLOW_UP = '💬 Tindak lanjut dari {agency} untuk laporan #{id}:\n"{message}"'
CLARIFICATION = '❓ Instansi meminta klarifikasi untuk laporan #{id}:\n"{question}"'
ASKED_LATER = "Pertanyaan ini akan saya sampaikan lagi setelah yang sekarang selesai."


# --- following reports ---

ASK_FOLLOW_NUMBER = "Laporan nomor berapa yang ingin Anda ikuti? Contoh: ikuti laporan 1916449"
FOLLOW_NOT_FOUND = "Laporan #{id} tidak ditemukan. Periksa lagi nomornya."
FOLLOWING = (
    "🔔 Baik, perkembangan laporan #{id} akan saya kabarkan di sini. "
    'Ketik "berhenti notifikasi" kapan saja untuk berhenti.'
)
NOTIFICATIONS_STOPPED = (
    "🔕 Notifikasi dihentikan: saya tidak akan mengirim kabar laporan lagi.\n"
    'Untuk mengikuti lagi, pilih laporannya di bawah, atau cek statusnya lalu pilih "Ikuti laporan ini".'
)
FOLLOW_AGAIN = "🔔 Ikuti lagi #{id}"  # the button under NOTIFICATIONS_STOPPED


# --- answering an agency (reply form) ---

CANCEL, SEND = "❌ Batal", "📤 Kirim"
WHICH_QUESTION = "Ada beberapa pertanyaan instansi untuk Anda. Laporan mana yang ingin Anda jawab?"
QUESTION_BUTTON = "#{id}: {question}"
PICK_QUESTION = "Pilih laporan yang pertanyaannya ingin Anda jawab."
ASK_ANSWER = (
    "Tulis jawaban Anda untuk pertanyaan laporan #{id}. Foto atau dokumen pendukung boleh dikirim juga."
)
SOLVED_OR_NOT = "Pilih Sudah atau Belum."
SOLVED_THANKS = "Terima kasih! 🙏 Senang masalah Anda sudah tertangani."
ASK_FOLLOW_UP_REPLY = (
    "Apa yang masih belum selesai? Tulis tanggapan Anda untuk laporan #{id}; "
    "laporan akan tetap dibuka. Foto atau dokumen boleh dilampirkan."
)
ANSWER_AS_TEXT = "Mohon tuliskan jawabannya dalam bentuk teks."
ANY_FILES = "Ada foto atau dokumen pendukung? Kirim sekarang, atau langsung pilih Kirim."
FILES_READY = "{count} lampiran siap dikirim. Tambah lagi, atau pilih Kirim."
FILES_OR_SEND = "Kirim foto atau dokumennya di sini, atau pilih Kirim."
FILE_NOT_ATTACHED = "⚠️ {name} tidak dapat dilampirkan."
UNNAMED_FILE = "Berkas"
ANSWER_SENT = "✅ Jawaban Anda untuk laporan #{id} sudah dikirim ke LAPOR!. Terima kasih."
FOLLOW_UP_REPLY_SENT = (
    "✅ Tanggapan Anda sudah dikirim ke LAPOR!. Laporan #{id} tetap dibuka sampai instansi "
    "menindaklanjutinya lagi."
)
NOT_SENT = (
    "Maaf, LAPOR! sedang tidak dapat dihubungi, jadi jawaban Anda belum terkirim. "
    "Pilih Kirim untuk mencoba lagi sebentar lagi."
)
REPLY_REFUSED = "Maaf, LAPOR! tidak menerima jawaban ini."
ONLY_THE_REPORTER = "Maaf, hanya pelapor yang dapat menjawab atau menilai laporan ini."
REPLY_REFUSED_CLOSED = "Maaf, LAPOR! tidak menerima jawaban ini: laporan sudah ditutup."
MORE_QUESTIONS = "Masih ada pertanyaan instansi yang menunggu jawaban Anda."
# "batal" while answering or rating
ANSWER_DROPPED = (
    "Baik, jawaban tidak dikirim. Bila perlu, pertanyaan instansi tetap bisa dijawab lewat lapor.go.id."
)
FOLLOW_UP_REPLY_DROPPED = "Baik, tanggapan tidak dikirim."
NO_RATING = "Baik, tanpa penilaian."


# --- rating ---

PICK_SCORE = "Pilih angka 1 sampai 5."
RATING_NOT_SENT = (
    "Maaf, penilaian Anda belum dapat dikirim ke LAPOR!. Silakan coba lagi nanti di lapor.go.id."
)
RATING_THANKS = "⭐ Terima kasih atas penilaian Anda! Masukan Anda membantu instansi memperbaiki layanannya."
