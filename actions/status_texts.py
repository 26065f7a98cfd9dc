"""What the citizen reads about a report's status (actions/status.py): one place to review the wording.

Style: short, polite Indonesian, one idea per line, readable on a small phone screen. A `{name}` in
a text is filled in by the action (`{id}` is a tracking number): keep each one. The load generator
(bench/loadgen.py) recognises a status by its "#<number>" heading followed by "Status:".
"""

from __future__ import annotations

STATUS_LABELS = {
    "submitted": "Belum terverifikasi (menunggu admin LAPOR!)",
    "verified": "Terverifikasi, segera diteruskan ke instansi",
    "forwarded": "Diteruskan ke instansi, menunggu tindak lanjut",
    "followed_up": "Sudah ditindaklanjuti instansi",
    "completed": "Selesai",
    "archived": "Diarsipkan (ditunda atau bukan wewenang instansi)",
}
STATUS_UNKNOWN = "status belum tersedia"
# What happens at the end of each stage (common/workdays.STAGE_DAYS: how many working days it may take).
NEXT_STEPS = {
    "submitted": "Admin LAPOR! memverifikasi dan meneruskan laporan paling lambat {due}.",
    "verified": "Laporan diteruskan ke instansi paling lambat {due}.",
    "forwarded": "Instansi wajib menindaklanjuti paling lambat {due} (5 hari kerja).",
    "followed_up": (
        "Jika tidak ada tanggapan, laporan ditutup selesai pada {due}. "
        "Bila belum puas, balas di sini agar laporan tetap dibuka."
    ),
}
# The lines of a status; the title and the agency only for the report's own citizen.
HEADING = "📄 Laporan #{id}"
HEADING_WITH_TITLE = "📄 Laporan #{id}: {title}"
STATUS_LINE = "Status: {label}"
AGENCY_LINE = "Instansi: {name}"
UPDATED_LINE = "Pembaruan terakhir: {day}"
LATEST_FOLLOW_UP = 'Tindak lanjut terakhir ({day}): "{message}"'
NEXT_STEP = "Berikutnya: {step}"
# An agency's question the reporter has not answered yet; {age} is one of AGES or DAYS_AGO.
OPEN_QUESTION = "❓ Ada pertanyaan dari instansi sejak {age} yang belum dijawab."
AGES = {0: "hari ini", 1: "kemarin"}
DAYS_AGO = "{days} hari lalu"
UNAVAILABLE = "Maaf, LAPOR! sedang tidak dapat dihubungi. Silakan coba lagi beberapa saat lagi."
ONLY_FOR_REPORTER = "Detail lengkap hanya untuk pelapornya, bila laporan dibuat lewat layanan ini."
ASK_NUMBER = "Berapa nomor laporannya? Contoh: cek status 1916449"
NO_REPORTS = "Anda belum punya laporan yang dibuat lewat layanan ini."
NOT_FOUND = "Laporan #{id} tidak ditemukan. Periksa lagi nomornya (biasanya 7 angka, misalnya 1916449)."
# A number typed in groups whose digits together are no tracking number ("#96035-213").
NUMBER_LENGTH = "Nomor laporan terdiri dari {digits} angka, misalnya 1916449. Mohon periksa lagi nomornya."
MY_REPORTS_HEADING = "📋 Laporan Anda:"
MY_REPORT_LINE = "• #{id} {title}: {status}"
MY_REPORT_WAITING = "• {title}: ⏳ menunggu dikirim ke LAPOR!"  # confirmed, not yet in LAPOR
# Buttons
FOLLOW = "🔔 Ikuti laporan ini"
MY_REPORTS = "📋 Laporan saya"
FILE_COMPLAINT = "📝 Buat pengaduan"
TOO_MANY_LOOKUPS = (
    "Maaf, Anda sudah mengecek banyak nomor laporan dalam satu jam terakhir. Mohon coba lagi nanti, "
    "atau pilih Laporan saya untuk laporan Anda sendiri."
)
