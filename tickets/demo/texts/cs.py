"""Czech demo conversations."""

SCENARIOS = {
    "printer": (
        "Tiskárna ve 2. patře tiskne prázdné stránky",
        "Dobrý den,\n\nod rána tiskne tiskárna HP LaserJet u kuchyňky ve druhém patře jen prázdné stránky. "
        "Už jsem ji vypnul a znovu zapnul. Mohl by se na to někdo podívat? Dnes musíme odeslat smlouvy.",
        "Dobrý den,\n\nděkujeme za nahlášení. Toner byl prázdný, i když to displej neukazoval. Vyměnili jsme "
        "ho a vytiskli zkušební stránku. Zkuste to prosím znovu.",
    ),
    "vpn": (
        "VPN se každých pár minut odpojuje",
        "Ahoj,\n\nkdyž pracuji z domova, spojení VPN se každých 5–10 minut přeruší a musím se znovu přihlásit. "
        "Začalo to po aktualizaci Windows minulý týden. Kolegové v týmu tento problém nemají.",
        "Ahoj,\n\nmáš starou verzi klienta VPN, která nefunguje dobře s poslední aktualizací Windows. "
        "Nainstaluj si prosím verzi 5.2 z Centra softwaru a restartuj notebook.",
    ),
    "password": (
        "Vypršelo heslo, nemohu se přihlásit",
        "Dobré ráno,\n\npřes víkend mi vypršelo heslo a teď se nemohu přihlásit do počítače ani do pošty. "
        "Píšu z telefonu. Můžete mi ho prosím resetovat?",
        "Dobré ráno,\n\nheslo jsme resetovali. Dočasné heslo vám přišlo SMS zprávou; při prvním přihlášení "
        "si nastavíte nové.",
    ),
    "payroll": (
        "Na výplatní pásce chybí přesčasy",
        "Dobrý den,\n\nna výplatní pásce za minulý měsíc chybí 12 hodin přesčasů odpracovaných během "
        "inventury. Vedoucí je schválil v systému 28. dne. Můžete to prosím prověřit?",
        "Dobrý den,\n\nschválení přišlo až po uzávěrce mezd. Přesčasy budou proplaceny s výplatou za tento "
        "měsíc jako samostatná položka.",
    ),
    "heating": (
        "Nefunguje topení v zasedačce „Dub“",
        "Dobrý den,\n\nradiátory v zasedací místnosti „Dub“ jsou studené, uvnitř je jen 16 stupňů. Zítra "
        "ráno tam máme workshop se zákazníkem.",
        "Dobrý den,\n\npo údržbě minulý týden zůstal zavřený ventil topného okruhu. Technik ho otevřel; do "
        "dvou hodin bude v místnosti teplo.",
    ),
    "invoice": (
        "Chybné DIČ na faktuře",
        "Dobrý den,\n\nna faktuře za roční licenci je uvedeno naše staré DIČ. Účetní oddělení ji nemůže "
        "zaúčtovat. Pošlete nám prosím opravnou fakturu.",
        "Dobrý den,\n\nomlouváme se za chybu. Aktualizovali jsme údaje vaší společnosti a zasíláme opravnou "
        "fakturu; původní faktura byla stornována.",
    ),
    "laptop": (
        "Notebook pro nového zaměstnance od pondělí",
        "Ahoj,\n\nv pondělí nastupuje do obchodního oddělení nová kolegyně, Tereza Horáková. Potřebuje "
        "notebook se standardní instalací, sluchátka a přístup do CRM.",
        "Ahoj,\n\nnotebook je připravený a účty jsou založené. Tereza si vše může vyzvednout na IT v pondělí "
        "od 8:30; úvodní heslo předáme osobně.",
    ),
    "email": (
        "Plná schránka, nejde odeslat e-mail",
        "Dobrý den,\n\nOutlook hlásí, že je schránka plná a nemohu odesílat zprávy. Staré e-maily jsem už "
        "smazal, ale hláška tam pořád je.",
        "Dobrý den,\n\nzapnuli jsme pro vaši schránku online archiv: zprávy starší dvou let se tam dnes v noci "
        "automaticky přesunou. Do té doby jsme zvýšili kvótu, odesílání opět funguje.",
    ),
}
# A customer who writes again before anyone answered (the new ticket is merged into the first).
REMINDER = (
    "Píšu znovu kvůli svému dnešnímu požadavku: "
    "problém stále není vyřešen a začíná to být naléhavé. Můžete mi prosím sdělit, jak to vypadá?"
)

FOLLOW_UPS = [
    "Děkuji za rychlou odpověď. Bohužel se odpoledne problém vrátil.",
    "Zkoušel jsem to, ale pořád to nefunguje. Můžete mi zavolat? Moje linka je 2417.",
    "Ještě jedna otázka: týká se to i kolegů z mého oddělení?",
    "Omlouvám se za zpoždění, byl jsem na dovolené. Vyzkouším to zítra ráno.",
    "V příloze posílám snímek obrazovky s chybovou hláškou.",
]
THANKS = [
    "Už to funguje, moc děkuji!",
    "Vše je opět v pořádku. Děkuji za pomoc, požadavek můžete uzavřít.",
    "Výborně, děkuji. Hezký den!",
]
AGENT_REPLIES = [
    "Můžete nám prosím napsat, kdy přesně problém nastává a zda se zobrazuje chybová hláška?",
    "Na požadavku stále pracujeme a ozveme se nejpozději zítra.",
    "Předali jsme váš požadavek specialistům druhé úrovně; brzy se vám ozvou.",
    "Zkuste to prosím znovu, provedli jsme změnu na naší straně.",
]
NOTES = [
    "Volal jsem zákazníkovi, nezastihl jsem ho. Zkusím to znovu odpoledne.",
    "Zkontroloval jsem logy: stejná chyba se od úterý objevuje u dalších tří uživatelů.",
    "Založen požadavek u výrobce, číslo 48213.",
    "Objednán náhradní díl, dodání očekáváme ve čtvrtek.",
    "Známý problém, viz související požadavek. Použito náhradní řešení.",
]
SIGN_OFF = "S pozdravem,"
