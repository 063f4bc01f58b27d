"""A coherent dossier described as data: every generated file is rendered from one `DossierSpec`,
so a clean spec yields documents that agree with each other, and a defect is a change to the spec
(or to a rendered file) whose expected finding is known."""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from originproof.samples import ids

CST = timezone(timedelta(hours=8))


@dataclass
class Party:
    name: str  # as printed in the local language
    name_en: str
    address: str
    country: str
    reg_no: str = ""  # company registration number (scheme per country)


@dataclass
class StoreSpec:
    chain: str  # as claimed (Latin or local)
    chain_local: str  # as printed on the receipt / signage
    branch: str
    address: str
    country: str
    lat: float
    lon: float


@dataclass
class ProductSpec:
    sku: str
    name: str
    name_local: str
    category: str
    hs_code: str
    gtin: str
    price: str  # local currency, decimal string


@dataclass
class DossierSpec:
    seed: int
    country: str
    lang: str  # ja, ko, en, de, fr, it …
    currency: str
    merchant_id: str
    merchant_name: str
    merchant_uscc: str
    brand: str
    brand_local: str
    owner: Party
    factory: Party
    licence_scheme: str
    licence_title: str
    licence_number: str
    licence_authority: str
    licence_activities: list[str]
    licence_issued: date
    licence_expires: date | None
    coo_issuer: str
    coo_number: str
    coo_date: date
    invoice_number: str
    agreement_signed: date
    agreement_start: date
    agreement_end: date
    customs_number: str
    customs_declared: date
    customs_imported: date
    supervision_mode: str
    products: list[ProductSpec]
    stores: list[StoreSpec]
    listings: list[str]
    submitted_at: datetime
    deadline: datetime | None = None
    extras: dict[str, Any] = field(default_factory=dict)  # defect knobs read by the renderers

    def with_(self, **kw: Any) -> "DossierSpec":
        return replace(self, **kw)

    def manifest(self, video_paths: list[str], doc_paths: dict[str, list[Any]],
                 receipt_paths: list[str | None] | None = None, online: bool = True, offline: bool = True) -> dict[str, Any]:
        m: dict[str, Any] = {
            "format": "originproof/dossier@1",
            "submitted_at": self.submitted_at.isoformat(),
            "merchant": {"id": self.merchant_id, "name": self.merchant_name, "uscc": self.merchant_uscc},
            "brand": {"name": self.brand, "local_names": [self.brand_local], "origin_country": self.country,
                      "owner": self.owner.name_en},
            "products": [{"sku": p.sku, "name": p.name, "category": p.category, "hs_code": p.hs_code, "gtin": p.gtin}
                         for p in self.products],
            "distribution": {},
            "production": doc_paths,
        }
        if self.deadline:
            m["deadline"] = self.deadline.isoformat()
        if offline:
            m["distribution"]["offline"] = [
                {"store": {"chain": s.chain, "branch": s.branch, "address": s.address, "country": s.country,
                           "location": {"lat": s.lat, "lon": s.lon}},
                 "video": v, **({"receipt": receipt_paths[i]} if receipt_paths and receipt_paths[i] else {})}
                for i, (s, v) in enumerate(zip(self.stores, video_paths))]
        if online:
            m["distribution"]["online"] = [{"url": u} for u in self.listings]
        return m


# --------------------------------------------------------------------------- country presets
# Fictional companies and brands; real chains and platforms (they are what the registry lists).
PRESETS: dict[str, dict[str, Any]] = {
    "JP": dict(
        lang="ja", currency="JPY", gtin_prefix="49", brand="Hadaluna", brand_local="ハダルナ",
        owner=("ハダルナ化粧品株式会社", "Hadaluna Cosmetics Co., Ltd.", "東京都中央区日本橋2-3-4"),
        factory=("東和コスメ製造株式会社", "Towa Cosme Manufacturing Co., Ltd.", "静岡県富士市今泉1-12-3"),
        licence=("jp_cosmetics_manufacturing", "化粧品製造業許可証", "静岡県知事", ["化粧品製造業"], 5),
        coo_issuer="東京商工会議所 The Tokyo Chamber of Commerce and Industry",
        products=[("3D保湿フェイスマスク 4枚入", "3D Moisturizing Face Mask 4 sheets", "cosmetics", "3304990099", "1280"),
                  ("薬用UVミルク 50ml", "Medicated UV Milk 50ml", "cosmetics", "3304990099", "1650")],
        stores=[("Matsumoto Kiyoshi", "マツモトキヨシ", "新宿東口店", "東京都新宿区新宿3-17-1", 35.6909, 139.7003),
                ("AEON", "イオン", "幕張新都心店", "千葉県千葉市美浜区豊砂1-1", 35.6522, 140.0223),
                ("Sugi Pharmacy", "スギ薬局", "名古屋栄店", "愛知県名古屋市中区栄3-5-1", 35.1681, 136.9066)],
        listings=["https://www.amazon.co.jp/dp/B0C{n}XY", "https://item.rakuten.co.jp/hadaluna/{n}/"]),
    "KR": dict(
        lang="ko", currency="KRW", gtin_prefix="880", brand="Dewbloom", brand_local="듀블룸",
        owner=("주식회사 듀블룸코리아", "Dewbloom Korea Co., Ltd.", "서울특별시 강남구 테헤란로 152"),
        factory=("한빛코스메틱 주식회사", "Hanbit Cosmetic Co., Ltd.", "경기도 화성시 향남읍 제약공단2길 45"),
        licence=("kr_cosmetics_manufacturer_registration", "화장품제조업 등록필증", "식품의약품안전처", ["화장품제조업"], 0),
        coo_issuer="대한상공회의소 Korea Chamber of Commerce and Industry",
        products=[("수분 진정 시트 마스크 10매", "Hydra Calming Sheet Mask 10 pcs", "cosmetics", "3304990099", "15900"),
                  ("선크림 SPF50+ 50ml", "Sun Cream SPF50+ 50ml", "cosmetics", "3304990099", "22000")],
        stores=[("Olive Young", "올리브영", "명동본점", "서울특별시 중구 명동길 53", 37.5636, 126.9850),
                ("E-mart", "이마트", "성수점", "서울특별시 성동구 뚝섬로 379", 37.5401, 127.0560),
                ("Lotte Mart", "롯데마트", "잠실점", "서울특별시 송파구 올림픽로 240", 37.5112, 127.0980)],
        listings=["https://www.coupang.com/vp/products/7{n}", "https://www.gmarket.co.kr/item?goodscode=2{n}"]),
    "US": dict(
        lang="en", currency="USD", gtin_prefix="0", brand="Northpine", brand_local="Northpine",
        owner=("Northpine Wellness Inc.", "Northpine Wellness Inc.", "410 Pine Street, Seattle, WA 98101, USA"),
        factory=("Cascade Nutraceuticals LLC", "Cascade Nutraceuticals LLC", "2200 Industry Drive, Salem, OR 97301, USA"),
        licence=("us_fda_food_facility_registration", "FDA Food Facility Registration", "U.S. Food and Drug Administration",
                 ["manufacture of dietary supplements"], 2),
        coo_issuer="Oregon State Chamber of Commerce",
        products=[("Vitamin D3 5000 IU 120 softgels", "Vitamin D3 5000 IU 120 softgels", "supplements", "2106909090", "14.99"),
                  ("Omega-3 Fish Oil 1000 mg 90 softgels", "Omega-3 Fish Oil 1000 mg 90 softgels", "supplements", "2106909090", "19.99")],
        stores=[("Walgreens", "Walgreens", "Pike Street #3128", "1531 Pike St, Seattle, WA 98101", 47.6145, -122.3257),
                ("CVS Pharmacy", "CVS pharmacy", "Store #9624", "1600 Broadway, Seattle, WA 98122", 47.6155, -122.3210),
                ("Walmart", "Walmart", "Supercenter #2593", "1900 S 314th St, Federal Way, WA 98003", 47.3210, -122.3120)],
        listings=["https://www.amazon.com/dp/B0D{n}AB", "https://www.walmart.com/ip/{n}"]),
    "DE": dict(
        lang="de", currency="EUR", gtin_prefix="40", brand="Kräuterhain", brand_local="Kräuterhain",
        owner=("Kräuterhain Naturkosmetik GmbH", "Kraeuterhain Naturkosmetik GmbH", "Friedrichstraße 120, 10117 Berlin"),
        factory=("Rheintal Kosmetik Produktions GmbH", "Rheintal Kosmetik Produktions GmbH", "Industriestraße 14, 68169 Mannheim"),
        licence=("iso_22716_gmp", "Zertifikat ISO 22716 (GMP Kosmetik)", "TÜV Süd Management Service GmbH",
                 ["Herstellung von Kosmetika"], 3),
        coo_issuer="IHK Rhein-Neckar (Industrie- und Handelskammer)",
        products=[("Ringelblumen Handcreme 75 ml", "Calendula Hand Cream 75 ml", "cosmetics", "3304990099", "4.95"),
                  ("Kamillen Gesichtscreme 50 ml", "Chamomile Face Cream 50 ml", "cosmetics", "3304990099", "7.45")],
        stores=[("dm-drogerie markt", "dm-drogerie markt", "Berlin Friedrichstraße", "Friedrichstraße 95, 10117 Berlin", 52.5200, 13.3880),
                ("Rossmann", "ROSSMANN", "Mannheim P7", "P7 20-21, 68161 Mannheim", 49.4860, 8.4700),
                ("REWE", "REWE", "Hamburg Altona", "Ottenser Hauptstraße 10, 22765 Hamburg", 53.5510, 9.9350)],
        listings=["https://www.amazon.de/dp/B0E{n}DE", "https://www.dm.de/kraeuterhain-handcreme-p40{n}.html"]),
    "FR": dict(
        lang="fr", currency="EUR", gtin_prefix="30", brand="Lumière d'Azur", brand_local="Lumière d'Azur",
        owner=("Lumière d'Azur SAS", "Lumiere d'Azur SAS", "12 rue de la République, 69002 Lyon"),
        factory=("Laboratoires Provençaux SARL", "Laboratoires Provencaux SARL", "45 avenue du Prado, 13008 Marseille"),
        licence=("iso_22716_gmp", "Certificat ISO 22716 (BPF cosmétiques)", "Bureau Veritas Certification France",
                 ["fabrication de produits cosmétiques"], 3),
        coo_issuer="CCI Aix-Marseille-Provence (Chambre de commerce et d'industrie)",
        products=[("Crème hydratante à l'eau thermale 50 ml", "Thermal Water Moisturizing Cream 50 ml", "cosmetics", "3304990099", "18.90"),
                  ("Lait démaquillant 200 ml", "Cleansing Milk 200 ml", "cosmetics", "3304990099", "12.50")],
        stores=[("Carrefour", "Carrefour", "Marseille Grand Littoral", "11 avenue de Saint-Antoine, 13015 Marseille", 43.3610, 5.3470),
                ("E.Leclerc", "E.Leclerc", "Lyon Saint-Priest", "Route de Grenoble, 69800 Saint-Priest", 45.7060, 4.9230),
                ("Monoprix", "monoprix", "Paris Opéra", "21 boulevard Haussmann, 75009 Paris", 48.8730, 2.3370)],
        listings=["https://www.amazon.fr/dp/B0F{n}GH", "https://www.cdiscount.com/au-quotidien/f-1-{n}.html"]),
    "AU": dict(
        lang="en", currency="AUD", gtin_prefix="93", brand="Koalacare", brand_local="Koalacare",
        owner=("Koalacare Health Pty Ltd", "Koalacare Health Pty Ltd", "88 George Street, Sydney NSW 2000"),
        factory=("Southern Cross Pharma Manufacturing Pty Ltd", "Southern Cross Pharma Manufacturing Pty Ltd",
                 "15 Lakes Road, Braeside VIC 3195"),
        licence=("au_tga_manufacturing_licence", "TGA Manufacturing Licence", "Therapeutic Goods Administration",
                 ["manufacture of listed complementary medicines"], 0),
        coo_issuer="Australian Chamber of Commerce and Industry",
        products=[("Kids Multivitamin Gummies 60 pack", "Kids Multivitamin Gummies 60 pack", "supplements", "2106909090", "19.99"),
                  ("Manuka Honey Lozenges 24 pack", "Manuka Honey Lozenges 24 pack", "supplements", "2106909090", "12.49")],
        stores=[("Chemist Warehouse", "Chemist Warehouse", "Sydney CBD", "501 George St, Sydney NSW 2000", -33.8740, 151.2070),
                ("Woolworths", "Woolworths", "Town Hall", "Cnr George & Park St, Sydney NSW 2000", -33.8730, 151.2060),
                ("Coles", "Coles", "Southland", "1239 Nepean Hwy, Cheltenham VIC 3192", -37.9580, 145.0490)],
        listings=["https://www.chemistwarehouse.com.au/buy/{n}/koalacare-kids-multivitamin", "https://www.amazon.com.au/dp/B0G{n}JK"]),
    "GB": dict(
        lang="en", currency="GBP", gtin_prefix="50", brand="Thistle & Rose", brand_local="Thistle & Rose",
        owner=("Thistle & Rose Botanicals Ltd", "Thistle & Rose Botanicals Ltd", "22 Rose Street, Edinburgh EH2 2PR"),
        factory=("Pennine Skincare Manufacturing Ltd", "Pennine Skincare Manufacturing Ltd", "Unit 4, Calder Park, Wakefield WF4 3FL"),
        licence=("iso_22716_gmp", "ISO 22716 Cosmetics GMP Certificate", "BSI Assurance UK Ltd", ["manufacture of cosmetic products"], 3),
        coo_issuer="West & North Yorkshire Chamber of Commerce",
        products=[("Rosehip Facial Oil 30ml", "Rosehip Facial Oil 30ml", "cosmetics", "3304990099", "16.00"),
                  ("Oat Body Lotion 250ml", "Oat Body Lotion 250ml", "cosmetics", "3304990099", "9.50")],
        stores=[("Boots", "Boots", "Edinburgh Princes Street", "101-103 Princes St, Edinburgh EH2 3AD", 55.9520, -3.2000),
                ("Tesco", "TESCO", "Leeds Extra", "Roundhay Rd, Leeds LS8 5AW", 53.8200, -1.5200),
                ("Sainsbury's", "Sainsbury's", "Wakefield", "Westgate Retail Park, Wakefield WF2 9SW", 53.6800, -1.5100)],
        listings=["https://www.boots.com/thistle-rose-rosehip-facial-oil-30ml-{n}", "https://www.amazon.co.uk/dp/B0H{n}MN"]),
    "IT": dict(
        lang="it", currency="EUR", gtin_prefix="80", brand="Sole di Capri", brand_local="Sole di Capri",
        owner=("Sole di Capri S.r.l.", "Sole di Capri S.r.l.", "Via Toledo 256, 80134 Napoli"),
        factory=("Cosmetica Lombarda S.p.A.", "Cosmetica Lombarda S.p.A.", "Via dell'Industria 8, 24040 Bergamo"),
        licence=("iso_22716_gmp", "Certificato ISO 22716 (GMP cosmetici)", "DNV Business Assurance Italy S.r.l.",
                 ["produzione di cosmetici"], 3),
        coo_issuer="Camera di Commercio di Bergamo",
        products=[("Crema solare SPF 30 200 ml", "Sun Cream SPF 30 200 ml", "cosmetics", "3304990099", "14.90"),
                  ("Crema viso al limone 50 ml", "Lemon Face Cream 50 ml", "cosmetics", "3304990099", "11.90")],
        stores=[("Esselunga", "Esselunga", "Milano Viale Papiniano", "Viale Papiniano 27, 20123 Milano", 45.4580, 9.1700),
                ("Coop", "Coop", "Bologna Centro Lame", "Via Marco Emilio Lepido 186, Bologna", 44.5190, 11.2960),
                ("Conad", "CONAD", "Napoli Vomero", "Via Scarlatti 40, 80129 Napoli", 40.8430, 14.2310)],
        listings=["https://www.amazon.it/dp/B0J{n}PQ", "https://www.ebay.it/itm/3{n}"]),
}
COUNTRIES = tuple(PRESETS)


def _add_years(d: date, n: int) -> date:
    """`d` n years later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def clean_spec(country: str = "JP", seed: int = 1, submitted_at: datetime | None = None) -> DossierSpec:
    p = PRESETS[country]
    rng = random.Random(f"{country}:{seed}")
    sub = submitted_at or datetime(2026, 6, 15, 10, 0, tzinfo=CST)
    d0 = sub.date()
    n = rng.randint(10000, 99999)
    lic_key, lic_title, lic_auth, lic_act, lic_years = p["licence"]
    lic_issued = d0 - timedelta(days=rng.randint(400, 900))
    lic_exp = (_add_years(lic_issued, lic_years) if lic_years else None)
    if lic_exp is not None and lic_exp <= d0:
        lic_exp = d0 + timedelta(days=365)
    agr_signed = lic_issued + timedelta(days=rng.randint(30, 200))
    coo_date = d0 - timedelta(days=rng.randint(50, 80))
    declared = coo_date + timedelta(days=rng.randint(5, 20))
    reg = {"JP": lambda: ids.jp_corporate_number(rng), "KR": lambda: ids.kr_brn(rng)}.get(
        country, lambda: f"{rng.randint(10_000_000, 99_999_999)}")
    products = []
    for i, (local, en, cat, hs, price) in enumerate(p["products"]):
        products.append(ProductSpec(sku=f"P-{seed:03d}{i + 1}", name=f"{p['brand']} {en}", name_local=f"{p['brand_local']} {local}",
                                    category=cat, hs_code=hs, gtin=ids.gtin13(rng, p["gtin_prefix"]), price=price))
    stores = [StoreSpec(chain=c, chain_local=cl, branch=b, address=a, country=country, lat=lat, lon=lon)
              for c, cl, b, a, lat, lon in p["stores"]]
    lic_no = {"JP": f"22AZ{rng.randint(100000, 999999)}", "KR": f"제{rng.randint(1000, 9999)}호",
              "US": f"{rng.randint(10_000_000_000, 19_999_999_999)}", "AU": f"MI-{rng.randint(2015, 2023)}-LI-{rng.randint(10000, 99999)}-1"}.get(
        country, f"GMP-{rng.randint(100000, 999999)}")
    return DossierSpec(
        seed=seed, country=country, lang=p["lang"], currency=p["currency"],
        merchant_id=f"M-{100000 + seed}", merchant_name="上海澄源国际贸易有限公司", merchant_uscc=ids.make_uscc(rng),
        brand=p["brand"], brand_local=p["brand_local"],
        owner=Party(p["owner"][0], p["owner"][1], p["owner"][2], country, reg()),
        factory=Party(p["factory"][0], p["factory"][1], p["factory"][2], country, reg()),
        licence_scheme=lic_key, licence_title=lic_title, licence_number=lic_no, licence_authority=lic_auth,
        licence_activities=lic_act, licence_issued=lic_issued, licence_expires=lic_exp,
        coo_issuer=p["coo_issuer"], coo_number=f"{country}{coo_date.year % 100:02d}-{rng.randint(100000, 999999)}",
        coo_date=coo_date, invoice_number=f"INV-{coo_date:%Y%m}-{rng.randint(1000, 9999)}",
        agreement_signed=agr_signed, agreement_start=agr_signed, agreement_end=_add_years(agr_signed, 5),
        customs_number=ids.customs_number(rng, declared.year), customs_declared=declared,
        customs_imported=declared - timedelta(days=2), supervision_mode="1210",
        products=products, stores=stores,
        listings=[u.format(n=n) for u in p["listings"]],
        submitted_at=sub,
    )


# --------------------------------------------------------------------------- category presets
# Added for the evaluation corpus (bench): the same country presets selling goods of every
# category, with an HS code consistent with the category and a factory licence whose activity
# covers it, so a clean dossier stays clean whatever its category.
CATEGORIES = ("cosmetics", "mother_baby", "supplements", "personal_care", "food", "other")

# (English name, {lang: local name}, HS code (10-digit Chinese tariff), price in USD)
CATEGORY_PRODUCTS: dict[str, list[tuple[str, dict[str, str], str, float]]] = {
    "cosmetics": [
        ("Hydrating Face Cream 50 ml", {"ja": "保湿フェイスクリーム 50ml", "ko": "수분 페이스 크림 50ml",
                                        "de": "Feuchtigkeitscreme 50 ml", "fr": "Crème hydratante visage 50 ml",
                                        "it": "Crema viso idratante 50 ml"}, "3304990099", 18.0),
        ("Sunscreen Milk SPF50 60 ml", {"ja": "日焼け止めミルク SPF50 60ml", "ko": "선크림 SPF50 60ml",
                                        "de": "Sonnenmilch LSF 50 60 ml", "fr": "Lait solaire SPF 50 60 ml",
                                        "it": "Latte solare SPF 50 60 ml"}, "3304990099", 15.0),
    ],
    "personal_care": [
        ("Gentle Facial Cleanser 120 g", {"ja": "やさしい洗顔フォーム 120g", "ko": "순한 폼 클렌저 120g",
                                          "de": "Milder Gesichtsreiniger 120 g", "fr": "Nettoyant visage doux 120 g",
                                          "it": "Detergente viso delicato 120 g"}, "3401300000", 9.0),
        ("Herbal Shampoo 400 ml", {"ja": "ハーブシャンプー 400ml", "ko": "허브 샴푸 400ml", "de": "Kräutershampoo 400 ml",
                                   "fr": "Shampooing aux plantes 400 ml", "it": "Shampoo alle erbe 400 ml"},
         "3305100000", 8.0),
    ],
    "mother_baby": [
        ("Infant Formula Stage 1 800 g", {"ja": "乳児用調製粉乳 ステップ1 800g", "ko": "영아용 조제분유 1단계 800g",
                                          "de": "Säuglingsanfangsnahrung Pre 800 g", "fr": "Lait infantile 1er âge 800 g",
                                          "it": "Latte per lattanti 1 800 g"}, "1901101000", 32.0),
        ("Baby Rice Cereal 200 g", {"ja": "ベビーライスシリアル 200g", "ko": "아기 쌀 시리얼 200g",
                                    "de": "Baby Reisbrei 200 g", "fr": "Céréales de riz bébé 200 g",
                                    "it": "Crema di riso per bambini 200 g"}, "1901101000", 6.0),
    ],
    "supplements": [
        ("Vitamin C 1000 mg 60 tablets", {"ja": "ビタミンC 1000mg 60粒", "ko": "비타민C 1000mg 60정",
                                          "de": "Vitamin C 1000 mg 60 Tabletten", "fr": "Vitamine C 1000 mg 60 comprimés",
                                          "it": "Vitamina C 1000 mg 60 compresse"}, "2106909090", 12.0),
        ("Omega-3 Fish Oil 90 softgels", {"ja": "オメガ3 フィッシュオイル 90粒", "ko": "오메가3 피쉬오일 90캡슐",
                                          "de": "Omega-3 Fischöl 90 Kapseln", "fr": "Huile de poisson oméga-3 90 capsules",
                                          "it": "Olio di pesce Omega-3 90 perle"}, "2106909090", 20.0),
    ],
    "food": [
        ("Green Tea 100 g", {"ja": "緑茶 100g", "ko": "녹차 100g", "de": "Grüner Tee 100 g", "fr": "Thé vert 100 g",
                             "it": "Tè verde 100 g"}, "0902109000", 10.0),
        ("Butter Cookies 300 g", {"ja": "バタークッキー 300g", "ko": "버터 쿠키 300g", "de": "Butterkekse 300 g",
                                  "fr": "Biscuits au beurre 300 g", "it": "Biscotti al burro 300 g"}, "1905310000", 7.0),
    ],
    "other": [
        ("Stainless Steel Water Bottle 500 ml", {"ja": "ステンレスボトル 500ml", "ko": "스테인리스 물병 500ml",
                                                 "de": "Edelstahl-Trinkflasche 500 ml", "fr": "Gourde inox 500 ml",
                                                 "it": "Borraccia in acciaio 500 ml"}, "7323930000", 25.0),
        ("Bamboo Toothbrush 4 pack", {"ja": "竹の歯ブラシ 4本", "ko": "대나무 칫솔 4개입", "de": "Bambuszahnbürste 4er",
                                      "fr": "Brosse à dents bambou x4", "it": "Spazzolino in bambù 4 pezzi"},
         "9603210000", 6.0),
    ],
}
_FX = {"JPY": 150.0, "KRW": 1350.0, "USD": 1.0, "EUR": 0.92, "GBP": 0.79, "AUD": 1.5}

# Licence covering a category, per country: (scheme, title, authority, activities, validity years; 0 = no expiry).
_FOOD_ACT = {
    "JP": {"food": "食品製造業", "supplements": "食品製造業（健康食品）", "mother_baby": "乳製品製造業"},
    "KR": {"food": "식품제조·가공업", "supplements": "건강기능식품전문제조업", "mother_baby": "식품제조·가공업"},
    "US": {"food": "food facility manufacturing/processing", "supplements": "manufacture of dietary supplements",
           "mother_baby": "infant formula manufacturing"},
    "DE": {"food": "Herstellung von Lebensmitteln", "supplements": "Herstellung von Nahrungsergänzungsmitteln",
           "mother_baby": "Herstellung von Säuglingsnahrung"},
    "FR": {"food": "fabrication de denrées alimentaires", "supplements": "fabrication de compléments alimentaires",
           "mother_baby": "préparations pour nourrissons"},
    "IT": {"food": "produzione di alimenti", "supplements": "produzione di integratori alimentari",
           "mother_baby": "alimenti per lattanti"},
    "GB": {"food": "food manufacturing", "supplements": "manufacture of food supplements", "mother_baby": "infant formula"},
    "AU": {"food": "food manufacturing", "supplements": "manufacture of listed complementary medicines",
           "mother_baby": "infant formula"},
}
_FOOD_LICENCE = {
    "JP": ("jp_food_business_permit", "営業許可書（食品衛生法）", "静岡県富士保健所長", 6),
    "KR": ("kr_food_mfg_registration", "영업등록증", "화성시장", 0),
    "US": ("us_fda_food_facility_registration", "FDA Food Facility Registration", "U.S. Food and Drug Administration", 2),
    "DE": ("de_food_business_registration", "Registrierung Lebensmittelunternehmen",
           "Stadt Mannheim, Lebensmittelüberwachung", 0),
    "FR": ("fr_food_business_registration", "Agrément sanitaire", "DDPP des Bouches-du-Rhône", 0),
    "IT": ("it_food_business_registration", "Registrazione impresa alimentare", "ATS Bergamo", 0),
    "GB": ("gb_food_business_registration", "Food Business Registration", "Wakefield Council", 0),
    "AU": ("au_food_business_licence", "Food Business Licence", "Department of Health Victoria", 1),
}
_COSMETIC_LICENCE = {
    "US": ("us_fda_cosmetic_facility_registration", "FDA Cosmetic Product Facility Registration",
           "U.S. Food and Drug Administration", ["manufactures or processes cosmetic products"], 2),
    # an iso_22716* scheme: samples/documents.py adds the company-register extract it needs beside it
    "AU": ("iso_22716_gmp", "ISO 22716 Cosmetics GMP Certificate", "SAI Global Assurance",
           ["manufacture of cosmetic products"], 3),
}
_REGISTER_LICENCE = {
    "JP": ("jp_company_register", "履歴事項全部証明書", "静岡地方法務局", ["日用品の製造及び販売"], 0),
    "KR": ("kr_company_register", "사업자등록증", "국세청", ["제조업"], 0),
    "US": ("us_company_register", "Certificate of Existence", "Oregon Secretary of State", ["manufacturing"], 0),
    "DE": ("de_company_register", "Handelsregisterauszug", "Amtsgericht Mannheim", ["Herstellung und Vertrieb"], 0),
    "FR": ("fr_company_register", "Extrait Kbis", "Greffe du Tribunal de commerce de Marseille",
           ["fabrication et commercialisation"], 0),
    "IT": ("it_company_register", "Visura camerale", "Camera di Commercio di Bergamo", ["produzione"], 0),
    "GB": ("gb_company_register", "Certificate of Incorporation", "Companies House", ["manufacture"], 0),
    "AU": ("au_company_register", "ASIC Current Company Extract", "Australian Securities and Investments Commission",
           ["manufacturing"], 0),
}


def licence_for(country: str, category: str) -> tuple[str, str, str, list[str], int]:
    """The factory licence that covers `category` in `country` (the preset's own when it already does)."""
    own = PRESETS[country]["licence"]
    own_cat = PRESETS[country]["products"][0][2]
    if category == own_cat or (category == "personal_care" and own_cat == "cosmetics"):
        return own
    if category in ("cosmetics", "personal_care"):
        return _COSMETIC_LICENCE.get(country, own)
    if category in ("food", "supplements", "mother_baby"):
        key, title, auth, years = _FOOD_LICENCE[country]
        return key, title, auth, [_FOOD_ACT[country][category]], years
    return _REGISTER_LICENCE[country]


def _price(usd: float, currency: str) -> str:
    v = usd * _FX.get(currency, 1.0)
    return f"{round(v, -1):.0f}" if currency in ("JPY", "KRW") else f"{v:.2f}"


def category_spec(country: str = "JP", category: str = "cosmetics", seed: int = 1,
                  submitted_at: datetime | None = None) -> DossierSpec:
    """`clean_spec` selling goods of `category`: products, HS codes and the licence follow the category."""
    s = clean_spec(country, seed, submitted_at)
    p = PRESETS[country]
    if category == s.products[0].category:
        return s
    rng = random.Random(f"{country}:{seed}:{category}")
    products = [ProductSpec(sku=f"P-{seed:03d}{i + 1}", name=f"{p['brand']} {en}",
                            name_local=f"{p['brand_local']} {local.get(s.lang, en)}", category=category, hs_code=hs,
                            gtin=ids.gtin13(rng, p["gtin_prefix"]), price=_price(usd, s.currency))
                for i, (en, local, hs, usd) in enumerate(CATEGORY_PRODUCTS[category])]
    key, title, auth, acts, years = licence_for(country, category)
    exp = _add_years(s.licence_issued, years) if years else None
    if exp is not None and exp <= s.submitted_at.date():
        exp = s.submitted_at.date() + timedelta(days=365)
    return s.with_(products=products, licence_scheme=key, licence_title=title, licence_authority=auth,
                   licence_activities=list(acts), licence_expires=exp)
