# ruff: noqa: E501  (word lists, SVG paths and markup templates read best unwrapped)
"""A deterministic synthetic press room for ``bench/crawl.py``, and a fast loopback server for it.

The site looks like a real agency press room rather than a toy: every page carries a large
header with a mega-menu, a cookie banner, inline SVG icons, breadcrumbs, share buttons,
related links, a long footer and some inline script, so pages weigh about 40 KB of which only
600-900 words are the release itself (English, Spanish or Italian, from word lists and a fixed
seed). Releases have a ``<time datetime>``, some name an operation. Listing pages show 20
releases, newest first, with numbered pagination; ``/sitemap.xml`` lists every release (as a
sitemap index of 50,000-URL sitemaps when there are more); ``/robots.txt`` allows the press
room and points at the sitemap.

Every page is a pure function of ``(seed, release number)``, so the benchmark can regenerate
any page (for the extraction and indexing measurements) without asking the server, and the
ground truth (title, date, language, operation) is known.

Run as a script, the module pre-renders the whole site in memory and serves it on 127.0.0.1
from a thread-per-connection HTTP/1.1 keep-alive server (raw sockets, no ``http.server``
parsing), prints ``READY <base url>`` and serves until stdin closes::

    python bench/sitegen.py --releases 5000 [--port 0] [--gzip]

``GET /__bench/stats`` answers ``{"requests": n, "cpu": seconds}`` (the server's own CPU time),
so the benchmark can check that the server is never the bottleneck.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import itertools
import json
import os
import random
import resource
import socket
import socketserver
import sys
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

SEED = 20240611
PER_PAGE = 20
SITEMAP_MAX = 50_000
HOST = "127.0.0.1"
FIRST_DAY = date(2012, 1, 2)
LANGS = ("en", "es", "it")
FOLLOW = r"/press/(\?page=\d+)?$"
ARTICLE = r"/press/releases/"

# -- word lists -------------------------------------------------------------------------------
# Function words are repeated so that they come up about as often as in real prose (language
# identification and stop-word handling see a realistic distribution).

_WORDS = {
    "en": {
        "function": (
            "the the the the of of of and and and to to in in in a a for on with by from at as "
            "that that is was were has have had been which who their its this these after during "
            "against between into over under more than also all other such both while"
        ).split(),
        "content": (
            "police officers investigators authorities agency network suspects arrest "
            "arrests searches warrants seized seizure cocaine heroin cannabis firearms weapons "
            "ammunition cash assets vehicles properties criminal organised group groups members "
            "leaders trafficking smuggling laundering money fraud cybercrime phishing ransomware "
            "servers accounts victims children protection exploitation investigation inquiry "
            "evidence prosecutors court judge custody charges offences European international "
            "national regional cooperation coordination joint action day support analysis "
            "intelligence information exchange data platform unit centre department ministry "
            "border customs ports airports container shipment shipments tonnes kilograms "
            "laboratory laboratories equipment documents identities forged passports "
            "counterfeit goods medicines cigarettes fuel tax excise payments transfers "
            "cryptocurrency wallets businesses companies shell front legal illegal dismantled "
            "identified located detained charged convicted sentenced extradited released "
            "carried out conducted launched coordinated supported funded announced reported "
            "confirmed revealed discovered uncovered targeted linked believed suspected "
            "several numerous main key high-value dangerous violent cross-border online "
            "worldwide across member states partners countries cities regions provinces"
        ).split(),
        "places": "Madrid Rome Lisbon Milan Naples Barcelona Valencia Seville Turin Palermo Malaga Bilbao Genoa Bari Lyon Antwerp Rotterdam Hamburg".split(),
        "op_phrases": ("Operation {name}", "an operation codenamed {name}", "Operation '{name}'"),
        "title": (
            "{n} arrested in {op} against {thing}",
            "{Thing} network dismantled in {place}: {n} arrests",
            "Police seize {n} kilograms of {drug} in {place}",
            "Joint action day targets {thing} across {m} countries",
            "{n} suspects detained for {thing} in {place}",
        ),
        "things": ("drug trafficking", "money laundering", "online fraud", "migrant smuggling",
                   "firearms trafficking", "cybercrime", "excise fraud", "counterfeit medicines"),
        "drugs": ("cocaine", "heroin", "cannabis", "synthetic drugs"),
        "home": "Home", "news": "Newsroom", "releases": "Press releases", "related": "Related news",
        "share": "Share this page", "published": "Published", "read": "Read more",
        "months": ("January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"),
        "date": "{d} {month} {y}",
        "cookie": (
            "We use cookies to make this website work and to understand how it is used. Some "
            "cookies are strictly necessary; others help us improve the site. You can accept "
            "all cookies, reject the optional ones or choose which ones to allow. Read our "
            "cookie policy and privacy notice to learn more about the data we process."
        ),
    },
    "es": {
        "function": (
            "la la la el el el de de de de y y y en en en los los las las a a por por con para "
            "del del al que que se se su sus un una como tras durante entre sobre desde hasta "
            "contra fue han ha sido este esta estos estas también más otros otras"
        ).split(),
        "content": (
            "policía agentes investigadores autoridades red detenidos detención "
            "registros órdenes incautados incautación cocaína heroína hachís armas munición "
            "dinero efectivo bienes vehículos inmuebles organización criminal grupo miembros "
            "cabecillas tráfico contrabando blanqueo capitales fraude ciberdelincuencia "
            "servidores cuentas víctimas menores protección explotación investigación "
            "pruebas fiscalía juzgado juez prisión cargos delitos europea internacional "
            "nacional regional cooperación coordinación jornada acción conjunta apoyo análisis "
            "inteligencia información intercambio datos plataforma unidad centro jefatura "
            "ministerio frontera aduanas puertos aeropuertos contenedor cargamento toneladas "
            "kilos laboratorio equipos documentos identidades falsos pasaportes falsificados "
            "productos medicamentos tabaco combustible impuestos pagos transferencias "
            "criptomonedas carteras empresas sociedades pantalla ilegal desarticulada "
            "identificados localizados detenidos imputados condenados extraditados "
            "llevada cabo desarrollada iniciada coordinada apoyada anunciada confirmada "
            "descubierta vinculados presuntos varios numerosos principales peligrosos "
            "violentos transfronteriza internet países ciudades provincias estados"
        ).split(),
        "places": "Madrid Sevilla Valencia Barcelona Málaga Bilbao Zaragoza Alicante Murcia Cádiz Vigo Granada Córdoba Almería Huelva Palma Tarragona Girona".split(),
        "op_phrases": ("la operación '{name}'", "la operación {name}", "la operación denominada «{name}»"),
        "title": (
            "{n} detenidos en {op} contra {thing}",
            "Desarticulada en {place} una red de {thing} con {n} detenidos",
            "La Policía interviene {n} kilos de {drug} en {place}",
            "Jornada de acción conjunta contra {thing} en {m} países",
            "Detenidas {n} personas por {thing} en {place}",
        ),
        "things": ("tráfico de drogas", "blanqueo de capitales", "estafas en internet",
                   "tráfico de migrantes", "tráfico de armas", "ciberdelincuencia",
                   "fraude fiscal", "medicamentos falsificados"),
        "drugs": ("cocaína", "heroína", "hachís", "drogas sintéticas"),
        "home": "Inicio", "news": "Sala de prensa", "releases": "Notas de prensa",
        "related": "Noticias relacionadas", "share": "Compartir", "published": "Publicado",
        "read": "Leer más",
        "months": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                   "septiembre", "octubre", "noviembre", "diciembre"),
        "date": "{d} de {month} de {y}",
        "cookie": (
            "Utilizamos cookies propias y de terceros para el funcionamiento de este sitio web "
            "y para analizar su uso. Algunas son estrictamente necesarias; otras nos ayudan a "
            "mejorar el servicio. Puede aceptar todas las cookies, rechazar las opcionales o "
            "configurar cuáles permite. Consulte nuestra política de cookies y de privacidad."
        ),
    },
    "it": {
        "function": (
            "il il la la la di di di di e e e in in in dei delle degli del della a a per per con "
            "da dal dalla che che si si un una come dopo durante tra su contro sono stato stati "
            "è ha hanno questo questa anche più altri altre nel nella sul sulla"
        ).split(),
        "content": (
            "polizia agenti investigatori autorità rete arresti arrestati "
            "perquisizioni ordinanze sequestrati sequestro cocaina eroina hashish armi "
            "munizioni denaro contanti beni veicoli immobili organizzazione criminale gruppo "
            "membri capi traffico contrabbando riciclaggio frode criminalità informatica server "
            "conti vittime minori protezione sfruttamento indagine indagini prove procura "
            "tribunale giudice custodia cautelare accuse reati europea internazionale nazionale "
            "regionale cooperazione coordinamento giornata azione congiunta supporto analisi "
            "informazioni scambio dati piattaforma unità centro direzione ministero frontiera "
            "dogane porti aeroporti container carico tonnellate chilogrammi laboratorio "
            "attrezzature documenti identità falsi passaporti contraffatti prodotti farmaci "
            "sigarette carburante imposte pagamenti trasferimenti criptovalute portafogli "
            "società imprese illegale smantellata identificati localizzati fermati indagati "
            "condannati estradati condotta avviata coordinata sostenuta annunciata confermata "
            "scoperta collegati presunti diversi numerosi principali pericolosi violenti "
            "transfrontaliera online paesi città province stati"
        ).split(),
        "places": "Roma Milano Napoli Torino Palermo Genova Bologna Firenze Bari Catania Venezia Verona Messina Padova Trieste Brescia Reggio Calabria".split(),
        "op_phrases": ("l'operazione \"{name}\"", "l'operazione {name}", "l'operazione denominata «{name}»"),
        "title": (
            "{n} arresti {op} contro {thing}",
            "Smantellata a {place} una rete di {thing}: {n} arresti",
            "Sequestrati {n} chilogrammi di {drug} a {place}",
            "Giornata di azione congiunta contro {thing} in {m} paesi",
            "{n} persone fermate per {thing} a {place}",
        ),
        "things": ("traffico di droga", "riciclaggio di denaro", "truffe online",
                   "traffico di migranti", "traffico di armi", "criminalità informatica",
                   "frodi fiscali", "farmaci contraffatti"),
        "drugs": ("cocaina", "eroina", "hashish", "droghe sintetiche"),
        "home": "Home", "news": "Sala stampa", "releases": "Comunicati stampa",
        "related": "Notizie correlate", "share": "Condividi", "published": "Pubblicato",
        "read": "Leggi tutto",
        "months": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
                   "agosto", "settembre", "ottobre", "novembre", "dicembre"),
        "date": "{d} {month} {y}",
        "cookie": (
            "Questo sito utilizza cookie tecnici e, previo consenso, cookie analitici di terze "
            "parti per migliorare l'esperienza di navigazione. Puoi accettare tutti i cookie, "
            "rifiutare quelli facoltativi o scegliere quali consentire. Per saperne di più "
            "consulta l'informativa sui cookie e la privacy."
        ),
    },
}

OPERATION_NAMES = (
    "Kestrel Tantalio Falco Lantern Black Wolf Pandora Medusa Ironside Emma Eclipse Aurora Orion "
    "Trident Sirocco Mistral Borealis Nebula Vesuvio Etna Tramontana Levante Poniente Cierzo "
    "Dragon Phoenix Hydra Cerberus Argo Minotauro Centauro Pegaso Atlante Titano Gemini"
).split()


# -- shared chrome (built once) --------------------------------------------------------------

def _icon(name: str, path: str) -> str:
    return (f'<svg class="icon icon-{name}" aria-hidden="true" focusable="false" width="24" '
            f'height="24" viewBox="0 0 24 24" xmlns="http://www.w3.org/2000/svg"><path '
            f'fill="currentColor" d="{path}"/></svg>')


_ICON_PATHS = {
    "search": "M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z",
    "menu": "M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z",
    "close": "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
    "facebook": "M22 12.06C22 6.5 17.52 2 12 2S2 6.5 2 12.06c0 5.02 3.66 9.18 8.44 9.94v-7.03H7.9v-2.91h2.54V9.85c0-2.52 1.49-3.91 3.78-3.91 1.1 0 2.24.2 2.24.2v2.47h-1.26c-1.24 0-1.63.78-1.63 1.57v1.88h2.78l-.44 2.91h-2.34V22c4.78-.76 8.43-4.92 8.43-9.94z",
    "x": "M18.24 2.25h3.31l-7.23 8.26 8.5 11.24h-6.66l-5.21-6.82-5.97 6.82H1.67l7.73-8.84L1.25 2.25h6.83l4.71 6.23 5.45-6.23zm-1.16 17.52h1.83L7.08 4.13H5.12z",
    "linkedin": "M20.45 20.45h-3.55v-5.57c0-1.33-.03-3.04-1.85-3.04-1.85 0-2.14 1.45-2.14 2.94v5.67H9.35V9h3.41v1.56h.05c.48-.9 1.64-1.85 3.37-1.85 3.6 0 4.27 2.37 4.27 5.46v6.28zM5.34 7.43a2.06 2.06 0 1 1 0-4.12 2.06 2.06 0 0 1 0 4.12zM7.12 20.45H3.56V9h3.56v11.45z",
    "mail": "M20 4H4c-1.1 0-1.99.9-1.99 2L2 18c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2zm0 4-8 5-8-5V6l8 5 8-5v2z",
    "print": "M19 8H5c-1.66 0-3 1.34-3 3v6h4v4h12v-4h4v-6c0-1.66-1.34-3-3-3zm-3 11H8v-5h8v5zm3-7c-.55 0-1-.45-1-1s.45-1 1-1 1 .45 1 1-.45 1-1 1zm-1-9H6v4h12V3z",
    "arrow": "M8.59 16.59 13.17 12 8.59 7.41 10 6l6 6-6 6-1.41-1.41z",
    "rss": "M6.18 15.64a2.18 2.18 0 0 1 2.18 2.18C8.36 19 7.38 20 6.18 20 5 20 4 19 4 17.82a2.18 2.18 0 0 1 2.18-2.18M4 4.44A15.56 15.56 0 0 1 19.56 20h-2.83A12.73 12.73 0 0 0 4 7.27V4.44m0 5.66a9.9 9.9 0 0 1 9.9 9.9h-2.83A7.07 7.07 0 0 0 4 12.93V10.1z",
}
ICONS = {name: _icon(name, path) for name, path in _ICON_PATHS.items()}

_MENU = {
    "Who we are": "Mission and values|Organisation chart|Director|Senior management|Regional headquarters|History|Annual reports|Budget and accounts|Transparency portal|Data protection officer|Careers|Internships|Procurement|Legal framework|Governance",
    "What we do": "Drug trafficking|Organised crime|Cybercrime|Economic crime|Terrorism|Migrant smuggling|Trafficking in human beings|Firearms|Environmental crime|Child sexual exploitation|Forensic science|Intelligence analysis|International cooperation|Border security|Training academy",
    "Services": "Report a crime online|Lost and found|Document verification|Criminal record certificate|Firearm licences|Private security|Passports and ID cards|Residence permits|Appointments|Complaints and suggestions|Victim support|Missing persons|Wanted persons|Stolen vehicles|Stolen art",
    "Newsroom": "Press releases|News archive|Photo gallery|Videos|Media accreditation|Press contacts|Campaigns|Publications|Statistics|Events|Speeches|Interviews|Newsletters|Social media|Open data",
    "Prevention": "Safety tips|Online safety|Fraud prevention|Protecting children|Older people|Road safety|Domestic violence|Hate crime|Radicalisation|Drug prevention|School programme|Neighbourhood policing|Business security|Tourist safety|Emergency numbers",
    "Partners": "European agencies|Interpol|Europol|Eurojust|Frontex|Customs|Prosecution service|Courts|Regional police|Local police|Universities|Research projects|Civil society|Private sector|Liaison officers",
    "Join us": "Become a police officer|Entrance exams|Requirements|Selection calendar|Physical tests|Medical examination|Training|Specialist units|Civilian staff|Salaries|Promotion|Mobility|Equality plan|Frequently asked questions|Contact recruitment",
    "Contact": "Headquarters|Police stations|Emergency 112|Non-emergency line|Email contact|Citizen assistance|Accessibility|Sign language|Foreign nationals|Embassies|Press office|Social networks|Opening hours|Maps|Feedback",
}
_FOOTER = (
    "Legal notice|Privacy policy|Cookie policy|Accessibility statement|Site map|Open data|RSS "
    "feeds|Transparency|Whistleblowing channel|Public procurement|Jobs|Contact|Press office|"
    "Frequently asked questions|Reuse of information|Web quality|Digital certificates|Electronic "
    "office|Citizen folder|Complaints|Official gazette|Ministry of the Interior|Government portal|"
    "European Union|Emergency 112|Report fraud|Missing children hotline|Victim support line|"
    "Anonymous tips|Lost property|Document services|Firearms office|Private security register|"
    "Forensic laboratory|Training academy|Museum|Band and ceremonies|Sports|Veterans|Archives"
).split("|")


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out, dash = [], False
    for ch in folded:
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:80]


def _mega_menu() -> str:
    parts = ['<nav class="main-nav" id="main-nav" aria-label="Main menu"><ul class="main-nav__list">']
    for section, links in _MENU.items():
        sid = _slug(section)
        parts.append(f'<li class="main-nav__item main-nav__item--has-children"><button class="main-nav__toggle" '
                     f'aria-expanded="false" aria-controls="sub-{sid}" data-track="nav-{sid}">{escape(section)}'
                     f'{ICONS["arrow"]}</button><div class="mega-menu" id="sub-{sid}" hidden><div class="mega-menu__inner container">'
                     f'<p class="mega-menu__intro">{escape(section)}: everything about {escape(section.lower())}.</p><ul class="mega-menu__list">')
        for link in links.split("|")[:10]:
            parts.append(f'<li class="mega-menu__item"><a class="mega-menu__link" href="/{sid}/{_slug(link)}/" '
                         f'>{escape(link)}</a></li>')
        parts.append("</ul></div></div></li>")
    parts.append("</ul></nav>")
    return "".join(parts)


def _footer() -> str:
    cols = [_FOOTER[i:i + 10] for i in range(0, len(_FOOTER), 10)]
    parts = ['<footer class="site-footer" role="contentinfo"><div class="container site-footer__columns">']
    for number, col in enumerate(cols):
        parts.append(f'<div class="site-footer__column"><h2 class="site-footer__heading">Links {number + 1}</h2><ul class="site-footer__list">')
        parts.extend(f'<li><a class="site-footer__link" href="/info/{_slug(x)}/">{escape(x)}</a></li>' for x in col)
        parts.append("</ul></div>")
    parts.append('</div><div class="site-footer__social container">')
    for name in ("facebook", "x", "linkedin", "rss", "mail"):
        parts.append(f'<a class="social-link social-link--{name}" href="/social/{name}/" aria-label="{name}">{ICONS[name]}</a>')
    parts.append('</div><div class="site-footer__legal container"><p>© Example National Police. '
                 'Ministry of the Interior. All rights reserved. Content on this site may be reused '
                 'with attribution unless stated otherwise.</p></div></footer>')
    return "".join(parts)


_SCRIPT = (
    '<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}'
    "gtag('consent','default',{'ad_storage':'denied','analytics_storage':'denied'});"
    "(function(){var c=document.cookie.match(/consent=([^;]+)/);if(!c){document.documentElement"
    ".classList.add('show-cookie-banner');}var t=document.querySelectorAll('.main-nav__toggle');"
    "for(var i=0;i<t.length;i++){t[i].addEventListener('click',function(e){var b=e.currentTarget,"
    "m=document.getElementById(b.getAttribute('aria-controls'));var o=b.getAttribute('aria-expanded')"
    "==='true';b.setAttribute('aria-expanded',String(!o));if(m){m.hidden=o;}});}})();</script>"
    '<script type="application/json" id="site-config">'
    + json.dumps({
        "site": "Example National Police", "locale": ["en", "es", "it"],
        "analytics": {"id": "UA-000000-1", "anonymize": True, "sampleRate": 25},
        "search": {"endpoint": "/search/", "minChars": 3, "suggest": True},
        "features": {f"feature_{i}": bool(i % 2) for i in range(60)},
        "strings": {f"label_{i}": f"Interface string number {i}" for i in range(50)},
    })
    + "</script>"
)
_STYLE = (
    "<style>" + "".join(
        f".u-m{i}{{margin:{i * 4}px}}.u-p{i}{{padding:{i * 4}px}}.u-w{i}{{width:{i * 10}%}}"
        for i in range(25)
    ) + ":root{--brand:#003a70;--accent:#c8102e;--text:#1b1b1b;--muted:#5c5c5c}</style>"
)
_MENU_HTML = _mega_menu()
_FOOTER_HTML = _footer()


def _head(lang: str, title: str, description: str, canonical: str, extra: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}" class="no-js"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} | Example National Police</title>"
        f'<meta name="description" content="{escape(description)}">'
        f'<link rel="canonical" href="{canonical}">'
        f'<meta property="og:site_name" content="Example National Police">'
        f'<meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:description" content="{escape(description)}">'
        f'<meta property="og:url" content="{canonical}"><meta name="twitter:card" content="summary">'
        f'<link rel="preload" href="/static/fonts/sans.woff2" as="font" type="font/woff2" crossorigin>'
        f'<link rel="stylesheet" href="/static/css/main.3f9a1c.css"><link rel="icon" href="/favicon.ico">'
        f'<link rel="alternate" type="application/rss+xml" title="Press releases" href="/press/rss.xml">'
        f"{extra}{_STYLE}</head>"
    )


def _top(lang: str) -> str:
    w = _WORDS[lang]
    langs = "".join(f'<li><a href="/{code}/" lang="{code}" hreflang="{code}">{code.upper()}</a></li>' for code in LANGS)
    return (
        '<body class="page"><a class="skip-link" href="#main">Skip to content</a>'
        f'<div class="cookie-banner" role="dialog" aria-live="polite" aria-label="Cookies"><div class="container">'
        f'<p class="cookie-banner__text">{escape(w["cookie"])}</p><div class="cookie-banner__actions">'
        '<button class="btn btn--primary" data-consent="all">Accept all</button>'
        '<button class="btn btn--secondary" data-consent="necessary">Reject optional</button>'
        '<a class="btn btn--link" href="/info/cookie-policy/">Configure</a></div></div></div>'
        '<header class="site-header" role="banner"><div class="site-header__top container">'
        '<ul class="utility-nav"><li><a href="/info/contact/">Contact</a></li><li><a href="/info/jobs/">Jobs</a></li>'
        f'<li><a href="/info/press-office/">Press office</a></li></ul><ul class="lang-switch">{langs}</ul></div>'
        '<div class="site-header__main container"><a class="site-logo" href="/" rel="home">'
        '<span class="site-logo__name">Example National Police</span></a>'
        f'<form class="site-search" action="/search/" role="search"><label for="q" class="visually-hidden">Search</label>'
        f'<input id="q" name="q" type="search" placeholder="Search"><button type="submit">{ICONS["search"]}</button></form>'
        f'<button class="menu-button" aria-controls="main-nav">{ICONS["menu"]}<span>Menu</span></button></div>'
        f"{_MENU_HTML}</header>"
    )


def _bottom() -> str:
    return f'<a class="back-to-top" href="#top">{ICONS["arrow"]}</a>{_FOOTER_HTML}{_SCRIPT}</body></html>'


# -- releases ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Release:
    number: int
    lang: str
    title: str
    published: date
    operation: str  # '' when the release names none
    paragraphs: tuple[str, ...]
    path: str

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _rng(seed: int, number: int) -> random.Random:
    return random.Random(seed * 1_000_003 + number)


def _sentence(rng: random.Random, w: dict, extra: str | None = None) -> str:
    length = rng.randint(10, 24)
    words = []
    for _ in range(length):
        r = rng.random()
        if r < 0.42:
            words.append(rng.choice(w["function"]))
        elif r < 0.95:
            words.append(rng.choice(w["content"]))
        elif r < 0.98:
            words.append(str(rng.randint(2, 950)))
        else:
            words.append(rng.choice(w["places"]))
    if extra:
        words.insert(rng.randint(1, len(words) - 1), extra)
    if len(words) > 12 and rng.random() < 0.5:
        words[rng.randint(4, len(words) - 4)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


@functools.cache
def release(number: int, total: int, seed: int = SEED) -> Release:
    """Release ``number`` (0 = oldest) of a site of ``total`` releases: a pure function."""
    rng = _rng(seed, number)
    lang = LANGS[rng.randrange(3)]
    w = _WORDS[lang]
    published = FIRST_DAY + timedelta(days=number * 3650 // max(total, 1))
    operation = rng.choice(OPERATION_NAMES) if rng.random() < 0.4 else ""
    op_phrase = rng.choice(w["op_phrases"]).format(name=operation) if operation else ""
    values = {
        "n": rng.randint(3, 140), "m": rng.randint(3, 27), "place": rng.choice(w["places"]),
        "thing": rng.choice(w["things"]), "drug": rng.choice(w["drugs"]),
    }
    values["Thing"] = values["thing"][0].upper() + values["thing"][1:]
    templates = w["title"]
    if operation:
        values["op"] = {"en": "Operation {}", "es": "la operación {}", "it": "nell'operazione {}"}[lang].format(operation)
        template = templates[0]
    else:
        template = rng.choice(templates[1:])
    title = template.format(**values)
    title = title[0].upper() + title[1:]
    target = rng.randint(600, 900)
    paragraphs: list[str] = []
    count = 0
    while count < target:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            extra = op_phrase if op_phrase and not paragraphs and not sentences else None
            if op_phrase and rng.random() < 0.08:
                extra = op_phrase
            sentences.append(_sentence(rng, w, extra))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    # No date in the path: titles start with figures, and "/2013/01/8-arrests" reads as a day.
    path = f"/press/releases/{_slug(title)}-{number}"
    return Release(number, lang, title, published, operation, tuple(paragraphs), path)


def _date_text(day: date, lang: str) -> str:
    w = _WORDS[lang]
    return w["date"].format(d=day.day, month=w["months"][day.month - 1], y=day.year)


def render_release(rel: Release, total: int, base_url: str, seed: int = SEED) -> bytes:
    w = _WORDS[rel.lang]
    canonical = base_url + rel.path
    description = rel.paragraphs[0][:155]
    jsonld = ('<script type="application/ld+json">' + json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": rel.title,
        "datePublished": rel.published.isoformat(), "inLanguage": rel.lang,
        "publisher": {"@type": "Organization", "name": "Example National Police"},
    }, ensure_ascii=False) + "</script>")
    related = []
    rng = _rng(seed, rel.number + 7_777_777)
    for other in sorted({rng.randrange(total) for _ in range(6)} - {rel.number}):
        o = release(other, total, seed)
        related.append(f'<li class="related__item"><a class="related__link" href="{o.path}">{escape(o.title)}</a>'
                       f'<time class="related__date" datetime="{o.published}">{_date_text(o.published, o.lang)}</time></li>')
    share = "".join(f'<li><a class="share__link share__link--{n}" href="/share/{n}/?u={rel.path}" rel="nofollow">{ICONS[n]}<span class="visually-hidden">{n}</span></a></li>'
                    for n in ("facebook", "x", "linkedin", "mail", "print"))
    tags = "".join(f'<li><a class="tag" href="/press/tag/{_slug(t)}/">{escape(t)}</a></li>' for t in w["things"][:4])
    body = "".join(f"<p>{escape(p)}</p>" for p in rel.paragraphs)
    html = (
        _head(rel.lang, rel.title, description, canonical,
              f'<meta property="article:published_time" content="{rel.published}T09:00:00+01:00">{jsonld}')
        + _top(rel.lang)
        + '<main id="main" class="site-main"><div class="container">'
        + f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">{w["home"]}</a></li>'
        + f'<li><a href="/press/">{w["news"]}</a></li><li><a href="/press/">{w["releases"]}</a></li>'
        + f'<li aria-current="page">{escape(rel.title)}</li></ol></nav>'
        + '<div class="layout layout--sidebar"><article class="release">'
        + f'<header class="release__header"><p class="release__kicker">{w["releases"]}</p>'
        + f'<h1 class="release__title">{escape(rel.title)}</h1>'
        + f'<p class="release__meta">{w["published"]}: <time datetime="{rel.published}">{_date_text(rel.published, rel.lang)}</time></p></header>'
        + f'<div class="release__body">{body}</div>'
        + f'<footer class="release__footer"><ul class="tags">{tags}</ul></footer></article>'
        + f'<aside class="sidebar"><section class="share"><h2>{w["share"]}</h2><ul class="share__list">{share}</ul></section>'
        + f'<section class="related"><h2 class="related__title">{w["related"]}</h2><ul class="related__list">{"".join(related)}</ul></section>'
        + '<section class="contact-box"><h2>Press office</h2><p>Press office of the Example National Police. '
        + 'Telephone +00 000 000 000. Media enquiries only.</p></section></aside></div></div></main>'
        + _bottom()
    )
    return html.encode("utf-8")


def listing_pages(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def listing_path(page: int) -> str:
    return "/press/" if page == 1 else f"/press/?page={page}"


def render_listing(page: int, total: int, base_url: str, seed: int = SEED) -> bytes:
    pages = listing_pages(total)
    newest = total - 1 - (page - 1) * PER_PAGE
    items = []
    for number in range(newest, max(newest - PER_PAGE, -1), -1):
        rel = release(number, total, seed)
        items.append(
            f'<li class="teaser"><article><h2 class="teaser__title"><a href="{rel.path}">{escape(rel.title)}</a></h2>'
            f'<p class="teaser__meta"><time datetime="{rel.published}">{_date_text(rel.published, "en")}</time> · '
            f'<span class="teaser__lang">{rel.lang.upper()}</span></p><p class="teaser__text">{escape(rel.paragraphs[0][:220])}…</p>'
            f'<a class="teaser__more" href="{rel.path}" aria-hidden="true" tabindex="-1">Read more</a></article></li>'
        )
    window = sorted({1, pages, *range(max(1, page - 5), min(pages, page + 5) + 1)})
    nav = []
    if page > 1:
        nav.append(f'<li><a rel="prev" href="{listing_path(page - 1)}">‹ Previous</a></li>')
    for p in window:
        current = ' aria-current="page"' if p == page else ""
        nav.append(f'<li><a href="{listing_path(p)}"{current}>{p}</a></li>')
    if page < pages:
        nav.append(f'<li><a rel="next" href="{listing_path(page + 1)}">Next ›</a></li>')
    html = (
        _head("en", f"Press releases, page {page}", "Press releases of the Example National Police",
              base_url + listing_path(page))
        + _top("en")
        + '<main id="main" class="site-main"><div class="container"><h1>Press releases</h1>'
        + f'<ul class="teasers">{"".join(items)}</ul>'
        + f'<nav class="pagination" aria-label="Pagination"><ul>{"".join(nav)}</ul></nav></div></main>'
        + _bottom()
    )
    return html.encode("utf-8")


def render_robots(base_url: str) -> bytes:
    return (f"User-agent: *\nDisallow: /search/\nDisallow: /share/\nAllow: /\n\n"
            f"Sitemap: {base_url}/sitemap.xml\n").encode()


def render_sitemaps(total: int, base_url: str, seed: int = SEED) -> dict[str, bytes]:
    """``/sitemap.xml`` (a urlset, or an index of ``/sitemap-N.xml`` above 50,000 URLs)."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    entries = []
    for number in range(total - 1, -1, -1):
        rel = release(number, total, seed)
        entries.append(f"<url><loc>{base_url}{rel.path}</loc><lastmod>{rel.published}</lastmod></url>")
    chunks = [entries[i:i + SITEMAP_MAX] for i in range(0, len(entries), SITEMAP_MAX)] or [[]]

    def urlset(chunk: list[str]) -> bytes:
        return (head + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "\n".join(chunk) + "\n</urlset>\n").encode()

    if len(chunks) == 1:
        return {"/sitemap.xml": urlset(chunks[0])}
    out = {f"/sitemap-{i + 1}.xml": urlset(chunk) for i, chunk in enumerate(chunks)}
    index = "".join(f"<sitemap><loc>{base_url}/sitemap-{i + 1}.xml</loc></sitemap>" for i in range(len(chunks)))
    out["/sitemap.xml"] = (head + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                           + index + "</sitemapindex>\n").encode()
    return out


def profile_toml(base_url: str, name: str = "benchroom") -> str:
    return (
        f'name = "{name}"\ntitle = "Benchmark press room"\nagency = "Example National Police"\n'
        f'country = "ES"\nlanguage = "es"\nstart_urls = ["{base_url}/press/"]\n'
        f'allowed_domains = ["{HOST}"]\nsitemap_urls = ["{base_url}/sitemap.xml"]\n'
        f"follow = ['{FOLLOW}']\narticle = ['{ARTICLE}']\n"
    )


def build_site(total: int, base_url: str, seed: int = SEED) -> dict[str, tuple[str, bytes]]:
    """Every page of the site: path -> (content type, body)."""
    html = "text/html; charset=utf-8"
    site: dict[str, tuple[str, bytes]] = {"/robots.txt": ("text/plain", render_robots(base_url))}
    for path, body in render_sitemaps(total, base_url, seed).items():
        site[path] = ("application/xml", body)
    for page in range(1, listing_pages(total) + 1):
        site[listing_path(page)] = (html, render_listing(page, total, base_url, seed))
    for number in range(total):
        rel = release(number, total, seed)
        site[rel.path] = (html, render_release(rel, total, base_url, seed))
    return site


# -- server -----------------------------------------------------------------------------------

_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}


def _response(status: int, content_type: str, body: bytes, encoding: str = "") -> bytes:
    head = (f"HTTP/1.1 {status} {_REASONS[status]}\r\nServer: benchroom\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n")
    if encoding:
        head += f"Content-Encoding: {encoding}\r\nVary: Accept-Encoding\r\n"
    return head.encode("latin-1") + b"\r\n" + body


class _Handler(socketserver.StreamRequestHandler):
    rbufsize = 65536
    wbufsize = 0
    pages: dict[str, bytes]
    gz_pages: dict[str, bytes]
    counter: itertools.count
    not_found = _response(404, "text/html", b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>")

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        rfile, send = self.rfile, self.connection.sendall
        while True:
            line = rfile.readline(8192)
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                continue
            try:
                method, target, _version = line.split(None, 2)
            except ValueError:
                return
            close = gz = False
            while True:
                header = rfile.readline(8192)
                if header in (b"\r\n", b"\n", b""):
                    break
                lower = header.lower()
                if lower.startswith(b"connection:") and b"close" in lower:
                    close = True
                elif lower.startswith(b"accept-encoding:") and b"gzip" in lower:
                    gz = True
            next(self.counter)
            path = target.decode("latin-1")
            if path == "/__bench/stats":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                stats = {"requests": next(self.counter) - 1, "cpu": usage.ru_utime + usage.ru_stime,
                         "maxrss_kb": usage.ru_maxrss, "pages": len(self.pages)}
                payload = _response(200, "application/json", json.dumps(stats).encode())
            else:
                payload = (gz and self.gz_pages.get(path)) or self.pages.get(path) or self.not_found
            if method == b"HEAD":
                payload = payload.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            send(payload)
            if close:
                return


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def serve(total: int, port: int = 0, seed: int = SEED, use_gzip: bool = False) -> None:
    """Pre-render the site, serve it, print ``READY <base url>``; stop when stdin closes."""
    server = _Server((HOST, port), _Handler, bind_and_activate=True)
    base_url = f"http://{HOST}:{server.server_address[1]}"
    site = build_site(total, base_url, seed)
    counter = itertools.count()
    pages = {path: _response(200, ctype, body) for path, (ctype, body) in site.items()}
    gz_pages = {}
    if use_gzip:
        gz_pages = {path: _response(200, ctype, gzip.compress(body, 6, mtime=0), "gzip")
                    for path, (ctype, body) in site.items() if ctype.startswith("text/html")}
    handler = type("Handler", (_Handler,), {"pages": pages, "gz_pages": gz_pages, "counter": counter})
    server.RequestHandlerClass = handler
    html_sizes = [len(body) for ctype, body in site.values() if ctype.startswith("text/html")]
    info = {"pages": len(site), "html_bytes": sum(html_sizes), "mean_html": sum(html_sizes) // max(1, len(html_sizes))}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    print(f"READY {base_url} {json.dumps(info)}", flush=True)
    sys.stdin.read()  # the benchmark closes our stdin to stop us
    server.shutdown()
    server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--gzip", action="store_true", help="serve HTML gzip-compressed when asked")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    serve(args.releases, args.port, args.seed, args.gzip)


if __name__ == "__main__":
    main()
