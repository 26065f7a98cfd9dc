"""What the citizen reads after filing: the news of a report (news.py), answering an agency
(reply_form.py) and rating a completed report (rating_form.py). One place to review the wording.

Style: short, polite Indonesian ("Anda", "mohon"), one idea per message, readable on a small phone
screen. A `{name}` in a text is filled in by the action ({id} is a tracking number): keep each one.
A report's status is in actions/status_texts.py. Button titles are pressed by the end-to-end tests as
they are written here.
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

CANCEL, SEND, EDIT, LATER = "❌ Batal", "📤 Kirim", "✏️ Ubah", "⏰ Nanti"
WHICH_QUESTION = "Ada beberapa pertanyaan instansi untuk Anda. Pertanyaan mana yang ingin Anda jawab?"
QUESTION_BUTTON = "#{id}: {question}"
PICK_QUESTION = "Pilih laporan yang pertanyaannya ingin Anda jawab."
ASK_ANSWER = (
    "Tulis jawaban Anda untuk pertanyaan laporan #{id}, atau kirim foto/dokumen yang diminta. "
    "Belum sempat? Pilih Nanti."
)
ASK_ADDITION = "Tulis keterangan tambahan untuk laporan #{id}, atau kirim foto/dokumennya."
ASK_SOLVED = "Apakah tindak lanjut ini sudah menyelesaikan masalah Anda?"
SOLVED, NOT_SOLVED = "✅ Sudah", "❌ Belum"
SOLVED_OR_NOT = "Pilih Sudah atau Belum."
SOLVED_THANKS = "Terima kasih! 🙏 Senang masalah Anda sudah tertangani."
ASK_FOLLOW_UP_REPLY = (
    "Apa yang masih belum selesai? Tulis tanggapan Anda untuk laporan #{id}. "
    "Foto atau dokumen boleh dilampirkan."
)
# Menu words, greetings and a bare "ok" are no answer to an agency.
NOT_AN_ANSWER = (
    "Itu belum saya catat sebagai jawaban. Tulis jawaban untuk laporan #{id}, kirim foto/dokumennya, "
    "atau pilih Nanti."
)
CONFIRM_ANSWER = "Kirim jawaban ini untuk laporan #{id}?"
CONFIRM_FOLLOW_UP_REPLY = "Kirim tanggapan ini untuk laporan #{id}?"
CONFIRM_ADDITION = "Kirim keterangan tambahan ini untuk laporan #{id}?"
QUOTED = '\n"{text}"'
ATTACHMENTS = "\n📎 {count} lampiran"
SEND_EDIT_OR_LATER = "Pilih Kirim, Ubah, atau Nanti. Foto atau dokumen boleh ditambahkan dulu."
# What LAPOR receives as the message of an answer that is only photos or documents.
ATTACHMENTS_ONLY = "Terlampir foto/dokumen yang diminta."
FILE_NOT_ATTACHED = "⚠️ {name} tidak dapat dilampirkan."
UNNAMED_FILE = "Berkas"
ANSWER_SENT = "✅ Jawaban Anda untuk laporan #{id} sudah dikirim ke LAPOR!. Terima kasih."
ADDITION_SENT = "✅ Keterangan tambahan untuk laporan #{id} sudah dikirim ke LAPOR!."
ADD_PHOTO_TO_ANSWER = "Tambahkan foto/dokumen ini ke jawaban laporan #{id}?"
ADD_IT, NEW_REPORT = "➕ Ya, tambahkan", "📝 Laporan baru"
ADD_LATER = 'Masih ada yang ingin ditambahkan? Ketik "tambah keterangan untuk laporan {id}".'
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
# "belum" to a follow-up of a report LAPOR has closed meanwhile: what the citizen can do instead.
REPORT_CLOSED = (
    "Laporan #{id} sudah ditutup di LAPOR!, jadi tanggapan tidak dapat ditambahkan lagi. Bila masalahnya "
    "belum selesai, Anda bisa membuat laporan baru yang merujuk laporan #{id}; ceritanya sudah saya siapkan."
)
LINKED_REPORT, RATE_IT = "📝 Buat laporan lanjutan", "⭐ Beri nilai"
LINKED_STORY = "Lanjutan laporan #{id} yang sudah ditutup, masalahnya belum selesai: {reason}"
LINKED_STORY_NO_REASON = "Lanjutan laporan #{id} yang sudah ditutup: masalahnya belum selesai."
MORE_QUESTIONS = "Masih ada pertanyaan instansi yang menunggu jawaban Anda."
NOTHING_TO_ANSWER = "Tidak ada pertanyaan instansi yang menunggu jawaban Anda saat ini."
ASK_WHICH_TO_ADD = 'Untuk laporan nomor berapa? Contoh: "tambah keterangan untuk laporan 1916449".'
# "nanti": the question stays open and is reminded once
POSTPONED = (
    "Baik, tidak apa-apa. Pertanyaan untuk laporan #{id} tetap menunggu; saya ingatkan lagi {when}. "
    'Bila sudah siap, ketik "jawab pertanyaan laporan {id}".'
)
REMIND_TODAY, REMIND_TOMORROW = "sekitar pukul {time}", "besok sekitar pukul {time}"
FOLLOW_UP_POSTPONED = (
    'Baik. Bila masalahnya belum selesai, ketik "tambah keterangan untuk laporan {id}" kapan saja.'
)
REMINDER = '⏰ Pengingat: instansi masih menunggu jawaban Anda untuk laporan #{id}:\n"{question}"'
# "batal" while answering or rating
ANSWER_DROPPED = (
    "Baik, jawaban tidak dikirim. Bila perlu, pertanyaan instansi tetap bisa dijawab lewat lapor.go.id."
)
FOLLOW_UP_REPLY_DROPPED = "Baik, tanggapan tidak dikirim."
NO_RATING = "Baik, tanpa penilaian."


# --- rating ---

ASK_SCORE = (
    "Seberapa puas Anda dengan penanganan laporan #{id}? Pilih 1 (sangat tidak puas) sampai 5 (sangat puas)."
)
SCORE_BUTTON = "⭐ {score}"
ASK_COMMENT = "Ada komentar untuk instansi? Tulis singkat, atau pilih Lewati."
SKIP = "⏭️ Lewati"
COMMENT_KEPT = "Komentar Anda saya catat."
PICK_SCORE = "Pilih angka 1 sampai 5."
ASK_WHICH_TO_RATE = 'Laporan nomor berapa yang ingin Anda nilai? Contoh: "beri nilai laporan 1916449".'
NOT_DONE_YET = "Laporan #{id} belum selesai. Penilaian bisa diberikan setelah instansi menyelesaikannya."
RATING_NOT_SENT = (
    "Maaf, penilaian Anda belum dapat dikirim ke LAPOR!. Silakan coba lagi nanti di lapor.go.id."
)
RATING_THANKS = "⭐ Terima kasih atas penilaian Anda! Masukan Anda membantu instansi memperbaiki layanannya."
