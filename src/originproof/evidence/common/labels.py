"""Field labels as printed on production documents, in the languages we meet.

Matching folds width, case and spaces (Tesseract spaces out CJK), so one entry covers
'許可番号', '許 可 番 号' and '許可番号：'.
"""
from __future__ import annotations

LABELS: dict[str, list[str]] = {
    # certificate of origin
    "coo.number": ["certificate no", "certificate number", "reference no", "no. of certificate", "証明書番号", "증명서번호",
                   "zeugnis-nr", "ursprungszeugnis nr", "certificat n°", "certificat no", "certificato n", "certificado n"],
    "coo.exporter": ["exporter", "consignor", "輸出者", "수출자", "ausführer", "exportateur", "esportatore", "exportador", "出口商"],
    "coo.consignee": ["consignee", "荷受人", "수하인", "empfänger", "destinataire", "destinatario", "收货人"],
    "coo.producer": ["producer / manufacturer", "producer", "manufacturer", "生産者", "製造者", "생산자", "제조자", "hersteller",
                     "producteur", "fabricant", "produttore", "fabbricante", "productor", "生产商"],
    "coo.origin": ["country of origin", "origin country", "原産国", "원산지", "ursprungsland", "pays d'origine",
                   "paese di origine", "país de origen", "原产国"],
    "coo.invoice": ["invoice no. and date", "invoice no", "invoice number", "インボイス番号", "송장번호", "rechnungsnr",
                    "n° de facture", "fattura n", "发票号"],
    "coo.goods": ["description of goods", "goods description", "商品の記述", "품명", "warenbezeichnung", "désignation des marchandises",
                  "descrizione delle merci", "货物名称"],
    "coo.issuer": ["issued by", "issuing authority", "certifying authority", "発給機関", "발급기관", "ausgestellt von", "délivré par",
                   "rilasciato da", "签证机构"],
    "coo.date": ["date of issue", "issue date", "発給日", "발급일", "ausstellungsdatum", "date d'émission", "date de délivrance",
                 "data di emissione", "签证日期"],
    "coo.approved_exporter": ["approved exporter no", "approved exporter number", "認定輸出者番号", "zugelassener ausführer"],
    # factory licence / registration
    "lic.number": ["licence no", "license no", "licence number", "license number", "registration no", "registration number",
                   "certificate no", "certificate number", "許可番号", "登録番号", "등록번호", "허가번호", "zertifikat-nr",
                   "zertifikatsnummer", "registriernummer", "certificat n°", "numéro de certificat", "certificato n",
                   "fei number", "ffr number", "licence id", "license id", "许可证编号"],
    "lic.holder": ["licence holder", "license holder", "holder", "name of facility", "facility name", "company name", "名称",
                   "氏名又は名称", "상호", "업소명", "inhaber", "firma", "titulaire", "raison sociale", "titolare", "ragione sociale",
                   "registrant", "企业名称"],
    "lic.regno": ["reg. no", "corporate number", "company number", "法人番号", "사업자등록번호", "abn", "acn", "handelsregister",
                  "siren", "partita iva", "company reg"],
    "lic.address": ["address", "facility address", "所在地", "製造所の所在地", "소재지", "anschrift", "adresse", "indirizzo",
                    "dirección", "地址"],
    "lic.activities": ["scope / activities", "scope", "activities", "licensed activity", "許可の種類", "許可の区分", "업종",
                       "geltungsbereich", "tätigkeit", "périmètre", "activités", "campo di applicazione", "attività", "alcance",
                       "经营范围", "许可范围"],
    "lic.issued": ["date of issue", "issue date", "issued on", "registration date", "date issued", "許可年月日", "登録年月日",
                   "등록일", "허가일", "ausstellungsdatum", "ausgestellt am", "date d'émission", "data di emissione",
                   "fecha de emisión", "发证日期"],
    "lic.expires": ["valid until", "expiry date", "expiration date", "expires", "valid through", "有効期間満了日", "有効期限",
                    "유효기간", "gültig bis", "valable jusqu'au", "date d'expiration", "valido fino al", "scadenza",
                    "válido hasta", "有效期至"],
    "lic.authority": ["issuing authority", "issued by", "authority", "certification body", "許可権者", "発行者", "발급기관",
                      "허가기관", "zertifizierungsstelle", "organisme certificateur", "ente di certificazione",
                      "organismo de certificación", "发证机关"],
    # production agreement
    "agr.party_a": ["party a", "甲", "갑", "auftraggeber", "donneur d'ordre", "committente", "brand owner"],
    "agr.party_b": ["party b", "乙", "을", "auftragnehmer", "façonnier", "fabricant", "terzista", "manufacturer"],
    "agr.signed": ["date signed", "signing date", "date of signature", "契約締結日", "締結日", "계약체결일", "datum der unterzeichnung",
                   "date de signature", "data di firma", "fecha de firma", "签订日期"],
    "agr.term": ["term", "contract term", "契約期間", "계약기간", "vertragslaufzeit", "laufzeit", "durée du contrat", "durée",
                 "durata del contratto", "durata", "duración", "有效期"],
    "agr.products": ["products", "対象製品", "대상제품", "vertragsprodukte", "produits couverts", "prodotti", "productos", "产品"],
    "agr.regno": ["reg. no", "registration no", "corporate number", "法人番号", "사업자등록번호", "abn", "company no"],
    # customs
    "cus.number": ["海关编号", "报关单号", "清单编号", "备案清单编号"],
    "cus.preentry": ["预录入编号"],
    "cus.consignee": ["境内收货人", "收发货人", "经营单位", "电商企业名称", "订购人"],
    "cus.consignor": ["境外发货人", "境外收发货人"],
    "cus.imported": ["进口日期", "进境日期"],
    "cus.declared": ["申报日期"],
    "cus.mode": ["监管方式", "贸易方式"],
    "cus.departure": ["启运国(地区)", "启运国", "起运国", "贸易国(地区)", "贸易国"],
}
