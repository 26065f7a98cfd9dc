"""The report form's steps as people read them, in the order the form asks them (dialogue/domain.yml,
report_form): the citizen's buttons that pick a step to change (actions/report/questions.py) and the
dashboard's conversation funnel (bot/dashboard/conversations.py) name each step alike.

A citizen's button sends "ubah <label>", so a label must keep one of its step's words in
actions/report/form.py's EDITABLE.
"""

from __future__ import annotations

LABELS = {
    "isi": "Isi",
    "judul": "Judul",
    "tanggal_kejadian": "Tanggal",
    "lokasi": "Lokasi",
    "lampiran_selesai": "Bukti",
    "kategori": "Kategori",
    "instansi": "Instansi",
    "tujuan": "Tujuan",
    "privasi": "Privasi",
}
