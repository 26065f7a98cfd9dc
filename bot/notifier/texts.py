"""What the notifier itself says: the notice of a passed deadline (deadlines.py). Everything else a
citizen hears about a report is the dialogue's (actions/after_filing/texts.py).

Style: short, polite Indonesian, readable on a small phone screen; keep each `{name}`."""

from __future__ import annotations

SOME_AGENCY = "Instansi"
OVERDUE = {  # by the stage whose deadline passed; {day}: its last day
    "submitted": "⏰ Laporan #{id} belum diverifikasi admin LAPOR!, padahal batasnya {day} (3 hari kerja).",
    "forwarded": "⏰ {agency} belum menindaklanjuti laporan #{id}, padahal batasnya {day} (5 hari kerja).",
}
WHAT_TO_DO = (
    "\n\nYang dapat Anda lakukan:\n"
    "• Tanyakan lewat balasan pada laporan Anda di lapor.go.id.\n"
    "• Bila tetap tidak ada tanggapan, adukan ke Ombudsman RI: ombudsman.go.id, "
    "WhatsApp 0821-3737-3737, atau telepon 137."
)
