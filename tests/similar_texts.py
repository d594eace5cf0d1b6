"""Hand-written texts for the near-duplicate and lineage tests (an invented operation).

Paragraphs of 30 words each (``RELEASE`` and ``OWN``), so a share of reused words can be
worked out by counting paragraphs.
"""

from __future__ import annotations

RELEASE = (
    "Investigators of the northern harbour unit searched eleven warehouses on Tuesday morning and "
    "seized forged shipping papers, four laptops and a ledger listing payments from several "
    "freight companies that the network had quietly used for years.",
    "The network is suspected of moving stolen construction machinery through the port by "
    "declaring excavators and loaders as scrap metal, then selling the machines again to buyers "
    "abroad at prices far below their market value.",
    "According to the prosecutor, the inquiry began when a customs officer noticed that the "
    "weight declared for a container of scrap did not match the reading of the scale at the "
    "terminal gate last winter.",
    "Seven people were detained during the searches, among them two employees of a logistics "
    "firm and a man who had presented himself to insurers as the owner of a small "
    "demolition company near the river.",
    "The harbour unit thanked the customs service and the regional fraud office for their "
    "cooperation and asked anyone who bought used machinery from the companies named in the "
    "warrant to contact the investigators by telephone.",
)

OWN = (
    "Dock workers interviewed on Wednesday said they had wondered for months why so many trucks "
    "arrived at night, although none of them wanted to be named because they still work "
    "for the firms involved.",
    "A lawyer representing one of the detained employees told this newspaper that her client had "
    "only printed documents prepared by others and would cooperate fully with the court in the "
    "coming weeks of hearings.",
    "Local contractors have complained for two years about excavators disappearing from building "
    "sites overnight; one of them estimated his own losses at well over a hundred thousand "
    "euros and welcomed the arrests warmly.",
)

#: Two different releases of one agency: their own text, then the same standard footer.
FOOTER = (
    "About the agency: the harbour police protect the port, its workers and its visitors every day "
    "of the year. Tips can be given anonymously through the confidential line, which is staffed "
    "around the clock by trained officers who never record the caller's number. Media enquiries "
    "go to the press office during working hours."
)
OTHER_RELEASES = (
    "Officers of the harbour police rescued two anglers whose boat had capsized near the northern "
    "breakwater on Sunday afternoon. Both men were brought to the hospital with mild hypothermia "
    "and were released the same evening after a short check. The police remind everyone going out "
    "on the water to wear a life jacket and to check the forecast first.",
    "The harbour police will close the eastern quay to traffic for three days next week while the "
    "old loading crane is taken apart and removed. Drivers heading for the ferry terminal are asked "
    "to follow the diversion signs through the industrial estate and to allow about fifteen extra "
    "minutes for their journey to the departure gates.",
)

#: A rough Spanish translation of the first two release paragraphs: a translation, not a copy.
TRANSLATION = (
    "Los investigadores de la unidad del puerto del norte registraron once almacenes el martes por la "
    "mañana e incautaron documentos de embarque falsificados, cuatro ordenadores portátiles y un "
    "libro de cuentas con pagos de varias empresas de transporte que la red había usado durante años. "
    "Se sospecha que la red trasladaba maquinaria de construcción robada a través del puerto, "
    "declarando excavadoras y cargadoras como chatarra, para luego venderlas de nuevo a compradores "
    "en el extranjero a precios muy por debajo de su valor de mercado."
)

SITE_HEADER = "Home | News | Region | Share this story on social media | Print this page"
SITE_FOOTER = (
    "Copyright the daily courier. All rights reserved. Subscribe to our newsletter for the morning "
    "briefing, and follow us for updates from the region."
)
OTHER_HEADER = "Menu Search Sign in Latest news Local Business Sport Weather Opinion"
OTHER_FOOTER = "Reporting by our regional desk, edited by the night team. Comments are closed for legal reasons."


def text(*paragraphs: str) -> str:
    return "\n".join(paragraphs)
