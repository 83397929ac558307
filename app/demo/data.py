"""The demo rows: the real centre's six lots, priced items, ranked vendors and buyers."""

from __future__ import annotations

from app.auth.models import Language, OrganisationType
from app.catalogue.models import AwardMethod, Unit

FRAMEWORK_REFERENCE = "BPART-2025-001"

LOTS = [
    (1, "Mission globale de A à Z", "Globale opdracht van A tot Z", "Global assignment, A to Z",
     AwardMethod.CASCADE),
    (2, "Conception de processus participatifs", "Ontwerp van participatieprocessen",
     "Design of participatory processes", AwardMethod.CASCADE),
    (3, "Animation de processus et de réunions", "Begeleiding van processen en vergaderingen",
     "Facilitation of processes and meetings", AwardMethod.CASCADE),
    (4, "Communication, création de contenu et publicité",
     "Communicatie, contentcreatie en publiciteit", "Communication, content and publicity",
     AwardMethod.CASCADE),
    (5, "Mobilisation des publics et recrutement", "Mobilisatie van doelgroepen en rekrutering",
     "Mobilisation and recruitment of participants", AwardMethod.MINI_COMPETITION),
    (6, "Évaluation et accompagnement du suivi", "Evaluatie en opvolging",
     "Evaluation and follow-up support", AwardMethod.CASCADE),
]

# lot number -> (fr, nl, en) description
LOT_DESCRIPTIONS = {
    1: ("Un seul prestataire prend en charge tout le processus : diagnostic, conception, "
        "mobilisation, animation, communication et rapport final.",
        "Eén dienstverlener neemt het hele traject op zich: diagnose, ontwerp, mobilisatie, "
        "begeleiding, communicatie en eindverslag.",
        "One vendor runs the whole process: diagnosis, design, mobilisation, facilitation, "
        "communication and final report."),
    2: ("Choix des méthodes, du calendrier et des publics d'un processus participatif, avant "
        "sa mise en œuvre : panels citoyens, tirage au sort, cartographie des acteurs.",
        "Keuze van methodes, planning en doelgroepen van een participatietraject vóór de "
        "uitvoering: burgerpanels, loting, stakeholdersanalyse.",
        "Choosing the methods, schedule and audiences of a participatory process before it "
        "runs: citizen panels, sortition, stakeholder mapping."),
    3: ("Animation neutre d'ateliers, de réunions publiques et de séances en ligne, avec les "
        "moyens d'inclusion nécessaires (interprétation, facilitation graphique).",
        "Neutrale begeleiding van workshops, openbare vergaderingen en onlinesessies, met de "
        "nodige middelen voor inclusie (tolken, grafische facilitatie).",
        "Neutral facilitation of workshops, public meetings and online sessions, with the "
        "means of inclusion they need (interpreting, graphic recording)."),
    4: ("Supports pour faire connaître un processus et en rendre compte, en français et en "
        "néerlandais : kits, vidéos, affiches, textes faciles à lire, reportages.",
        "Materiaal om een traject bekend te maken en erover te rapporteren, in het Frans en "
        "het Nederlands: kits, video's, affiches, teksten in eenvoudige taal, reportages.",
        "Material to make a process known and report on it, in French and Dutch: kits, "
        "videos, posters, easy-to-read texts, reportage."),
    5: ("Aller vers les publics qui participent peu et recruter des participants : "
        "campagnes de quartier, permanences de rue, relais associatifs, jeunes.",
        "Doelgroepen bereiken die weinig deelnemen en deelnemers rekruteren: buurtcampagnes, "
        "straatpermanenties, verenigingen als tussenpersoon, jongeren.",
        "Reaching people who seldom take part and recruiting participants: neighbourhood "
        "campaigns, street stands, community organisations, young people."),
    6: ("Mesurer ce qu'un processus a produit et suivre la mise en œuvre de ses "
        "recommandations : indicateurs, enquêtes, rapports, retour aux participants.",
        "Meten wat een traject heeft opgeleverd en de uitvoering van de aanbevelingen "
        "opvolgen: indicatoren, enquêtes, verslagen, terugkoppeling naar de deelnemers.",
        "Measuring what a process achieved and following up its recommendations: "
        "indicators, surveys, reports, feedback to participants."),
}

# (lot, code, fr, nl, en, unit, price in cents excl. VAT, (description fr, nl, en))
ITEMS = [
    # Lot 1 - global assignment
    (1, "L1-PROC", "Processus participatif complet (conception, animation, rapport)",
     "Volledig participatietraject (ontwerp, begeleiding, verslag)",
     "Complete participatory process (design, facilitation, report)", Unit.LUMP_SUM, 2450000,
     ("Un processus de six mois environ, du diagnostic au rapport remis au pouvoir public.",
      "Een traject van ongeveer zes maanden, van diagnose tot verslag aan de overheid.",
      "A process of about six months, from diagnosis to the report handed to the public "
      "body.")),
    (1, "L1-DAY", "Journée de coordination de projet", "Dag projectcoördinatie",
     "Project coordination day", Unit.DAY, 85000,
     ("Coordination, suivi du planning et liaison avec l'administration commanditaire.",
      "Coördinatie, opvolging van de planning en contact met de opdrachtgevende overheid.",
      "Coordination, schedule follow-up and liaison with the commissioning body.")),
    (1, "L1-NEIGHBOURHOOD", "Processus participatif court de quartier (3 mois)",
     "Kort participatietraject in de wijk (3 maanden)",
     "Short neighbourhood participatory process (3 months)", Unit.LUMP_SUM, 1150000,
     ("Pour un projet local : deux ateliers, une réunion publique et une synthèse.",
      "Voor een lokaal project: twee workshops, een openbare vergadering en een synthese.",
      "For a local project: two workshops, one public meeting and a summary.")),
    (1, "L1-ASSEMBLY", "Assemblée citoyenne tirée au sort, de la conception à la restitution",
     "Burgerraad door loting, van ontwerp tot terugkoppeling",
     "Citizens' assembly drawn by lot, from design to feedback", Unit.LUMP_SUM, 6800000,
     ("Tirage au sort, quatre week-ends de délibération, recommandations et suivi.",
      "Loting, vier weekends beraadslaging, aanbevelingen en opvolging.",
      "Sortition, four deliberation weekends, recommendations and follow-up.")),
    (1, "L1-DIAGNOSIS", "Diagnostic participatif préalable", "Voorafgaande participatieve diagnose",
     "Preliminary participatory diagnosis", Unit.LUMP_SUM, 480000,
     ("Entretiens et marches exploratoires pour cerner les enjeux avant de lancer un "
      "processus.",
      "Interviews en verkenningswandelingen om de uitdagingen in kaart te brengen vóór de "
      "start.",
      "Interviews and exploratory walks to map the issues before a process starts.")),
    (1, "L1-STEERING", "Réunion du comité de pilotage (préparation et compte rendu)",
     "Vergadering van het stuurcomité (voorbereiding en verslag)",
     "Steering committee meeting (preparation and minutes)", Unit.WORKSHOP, 95000,
     ("Préparation des documents, tenue de la réunion et compte rendu bilingue.",
      "Voorbereiding van de documenten, de vergadering zelf en een tweetalig verslag.",
      "Preparing the papers, holding the meeting and bilingual minutes.")),
    # Lot 2 - design
    (2, "L2-PANEL", "Conception d'un panel citoyen tiré au sort",
     "Ontwerp van een burgerpanel door loting", "Design of a citizen panel drawn by lot",
     Unit.LUMP_SUM, 980000,
     ("Mandat, composition, programme des séances et règles de délibération du panel.",
      "Opdracht, samenstelling, programma en beraadslagingsregels van het panel.",
      "The panel's remit, make-up, session programme and rules of deliberation.")),
    (2, "L2-DAY", "Journée de conception méthodologique", "Dag methodologisch ontwerp",
     "Methodology design day", Unit.DAY, 90000,
     ("Une journée d'expertise pour adapter une méthode à votre contexte.",
      "Een dag expertise om een methode aan uw context aan te passen.",
      "A day of expertise to fit a method to your context.")),
    (2, "L2-SORTITION", "Tirage au sort des participants", "Loting van de deelnemers",
     "Sortition of participants", Unit.LUMP_SUM, 420000,
     ("Critères de représentativité, tirage stratifié, invitations et liste de réserve.",
      "Representativiteitscriteria, gestratificeerde loting, uitnodigingen en reservelijst.",
      "Representativeness criteria, stratified draw, invitations and reserve list.")),
    (2, "L2-MAPPING", "Cartographie des acteurs et des publics",
     "Stakeholder- en doelgroepenanalyse", "Stakeholder and audience mapping", Unit.LUMP_SUM,
     350000,
     ("Qui est concerné, qui décide, qui est absent d'habitude : une carte et des pistes.",
      "Wie is betrokken, wie beslist, wie ontbreekt meestal: een overzicht en voorstellen.",
      "Who is concerned, who decides, who is usually missing: a map and suggestions.")),
    (2, "L2-NOTE", "Note de conception du processus", "Ontwerpnota van het traject",
     "Process design note", Unit.LUMP_SUM, 560000,
     ("Objectifs, niveau de participation, étapes, calendrier et budget, prêts à valider.",
      "Doelstellingen, participatieniveau, stappen, planning en budget, klaar ter "
      "goedkeuring.",
      "Objectives, level of participation, steps, schedule and budget, ready for "
      "approval.")),
    (2, "L2-ACCESS", "Audit d'accessibilité d'un processus",
     "Toegankelijkheidsaudit van een traject",
     "Accessibility audit of a process", Unit.LUMP_SUM, 290000,
     ("Lieux, horaires, supports et langues passés en revue, avec des mesures concrètes.",
      "Locaties, uren, materiaal en talen doorgelicht, met concrete maatregelen.",
      "Venues, times, materials and languages reviewed, with practical measures.")),
    # Lot 3 - facilitation
    (3, "L3-WS-HALF", "Animation d'atelier (demi-journée)",
     "Begeleiding van een workshop (halve dag)",
     "Workshop facilitation (half-day)", Unit.HALF_DAY, 65000,
     ("Un animateur, préparation et synthèse des résultats comprises.",
      "Eén begeleider, inclusief voorbereiding en synthese van de resultaten.",
      "One facilitator, preparation and summary of the results included.")),
    (3, "L3-MEETING", "Animation d'une réunion publique",
     "Begeleiding van een openbare vergadering",
     "Facilitation of a public meeting", Unit.WORKSHOP, 120000,
     ("Deux animateurs, jusqu'à 150 personnes, compte rendu bilingue.",
      "Twee begeleiders, tot 150 personen, tweetalig verslag.",
      "Two facilitators, up to 150 people, bilingual minutes.")),
    (3, "L3-WORLDCAFE", "Animation d'un World Café", "Begeleiding van een World Café",
     "World Café facilitation", Unit.WORKSHOP, 140000,
     ("Tables de discussion tournantes, hôtes de table formés, récolte des idées.",
      "Wisselende gesprekstafels, opgeleide tafelgastheren, oogst van de ideeën.",
      "Rotating discussion tables, trained table hosts, harvest of the ideas.")),
    (3, "L3-DAY", "Journée d'animation (deux animateurs)", "Begeleidingsdag (twee begeleiders)",
     "Facilitation day (two facilitators)", Unit.DAY, 160000,
     ("Pour une journée de délibération ou un séminaire avec plusieurs groupes.",
      "Voor een beraadslagingsdag of een seminarie met meerdere groepen.",
      "For a day of deliberation or a seminar with several groups.")),
    (3, "L3-ONLINE", "Animation d'une réunion en ligne ou hybride",
     "Begeleiding van een online of hybride vergadering",
     "Online or hybrid meeting facilitation", Unit.WORKSHOP, 95000,
     ("Outils de vote et de post-it en ligne, régie technique et accueil des participants.",
      "Online stem- en post-ittools, technische regie en onthaal van de deelnemers.",
      "Online voting and sticky-note tools, technical support and welcoming participants.")),
    (3, "L3-SIGN", "Interprétation en langue des signes (LSFB ou VGT)",
     "Gebarentolk (LSFB of VGT)", "Sign-language interpretation (LSFB or VGT)", Unit.DAY,
     120000,
     ("Deux interprètes en alternance pour une activité publique.",
      "Twee tolken die elkaar afwisselen tijdens een publieke activiteit.",
      "Two interpreters taking turns during a public activity.")),
    (3, "L3-GRAPHIC", "Facilitation graphique (dessin en direct)",
     "Grafische facilitatie (live tekenen)", "Graphic recording (live drawing)", Unit.DAY,
     110000,
     ("Les échanges dessinés en direct sur grand format, remis en version numérique.",
      "De gesprekken live getekend op groot formaat, ook digitaal bezorgd.",
      "The discussions drawn live on a large sheet, delivered in digital form too.")),
    # Lot 4 - communication
    (4, "L4-KIT", "Kit de communication bilingue FR/NL", "Tweetalige communicatiekit FR/NL",
     "Bilingual FR/NL communication kit", Unit.LUMP_SUM, 540000,
     ("Identité visuelle, textes clés, modèles d'affiche et de publication.",
      "Visuele identiteit, kernteksten, sjablonen voor affiches en berichten.",
      "Visual identity, key texts, poster and post templates.")),
    (4, "L4-VIDEO", "Vidéo de restitution (3 minutes)", "Terugkoppelingsvideo (3 minuten)",
     "Feedback video (3 minutes)", Unit.ITEM, 310000,
     ("Tournage, montage, sous-titres en français et en néerlandais.",
      "Opnames, montage, ondertitels in het Frans en het Nederlands.",
      "Filming, editing, French and Dutch subtitles.")),
    (4, "L4-EASYREAD", "Synthèse en langage facile à lire",
     "Samenvatting in eenvoudige taal", "Easy-to-read summary", Unit.ITEM, 180000,
     ("Un document de quatre pages relu par des lecteurs du public visé.",
      "Een document van vier bladzijden, nagelezen door lezers uit de doelgroep.",
      "A four-page document checked by readers from the intended audience.")),
    (4, "L4-PHOTO", "Reportage photo d'une activité", "Fotoreportage van een activiteit",
     "Photo reportage of an activity", Unit.ITEM, 90000,
     ("Vingt photos retouchées, avec le consentement des personnes photographiées.",
      "Twintig bewerkte foto's, met toestemming van de gefotografeerde personen.",
      "Twenty edited photos, with the consent of the people photographed.")),
    (4, "L4-POSTER", "Affiches et flyers bilingues (500 exemplaires)",
     "Tweetalige affiches en flyers (500 exemplaren)",
     "Bilingual posters and flyers (500 copies)", Unit.LUMP_SUM, 240000,
     ("Mise en page, impression et livraison dans la commune.",
      "Opmaak, druk en levering in de gemeente.",
      "Layout, printing and delivery in the commune.")),
    (4, "L4-WEB", "Page de projet sur une plateforme en ligne",
     "Projectpagina op een onlineplatform", "Project page on an online platform",
     Unit.LUMP_SUM, 380000,
     ("Mise en ligne, questionnaire, modération des contributions pendant trois mois.",
      "Publicatie, vragenlijst, moderatie van de bijdragen gedurende drie maanden.",
      "Publishing, questionnaire, moderating contributions for three months.")),
    # Lot 5 - mobilisation
    (5, "L5-CAMPAIGN", "Campagne de mobilisation de quartier", "Mobilisatiecampagne in de wijk",
     "Neighbourhood mobilisation campaign", Unit.LUMP_SUM, 760000,
     ("Six semaines de présence sur le terrain, relais locaux et invitations personnelles.",
      "Zes weken aanwezigheid op het terrein, lokale tussenpersonen en persoonlijke "
      "uitnodigingen.",
      "Six weeks out in the neighbourhood, local relays and personal invitations.")),
    (5, "L5-RECRUIT", "Recrutement de participants (par personne)",
     "Rekrutering van deelnemers (per persoon)", "Recruitment of participants (per person)",
     Unit.ITEM, 4500,
     ("Prise de contact, confirmation et rappel la veille de l'activité.",
      "Contactname, bevestiging en herinnering de dag vóór de activiteit.",
      "Contact, confirmation and a reminder the day before the activity.")),
    (5, "L5-STREET", "Permanence de rue (équipe de deux)", "Straatpermanentie (team van twee)",
     "Street stand (team of two)", Unit.HALF_DAY, 52000,
     ("Stand mobile au marché, à la sortie des écoles ou en porte-à-porte.",
      "Mobiele stand op de markt, aan de schoolpoort of huis aan huis.",
      "Mobile stand at the market, outside schools or door to door.")),
    (5, "L5-PARTNERS", "Mobilisation via les associations de quartier",
     "Mobilisatie via buurtverenigingen", "Mobilisation through community organisations",
     Unit.LUMP_SUM, 390000,
     ("Rencontres avec les associations, supports adaptés et accompagnement des relais.",
      "Ontmoetingen met verenigingen, aangepast materiaal en ondersteuning van "
      "tussenpersonen.",
      "Meetings with organisations, adapted material and support for local relays.")),
    (5, "L5-YOUTH", "Atelier de mobilisation des jeunes", "Mobilisatieworkshop voor jongeren",
     "Youth mobilisation workshop", Unit.WORKSHOP, 85000,
     ("Dans une école ou une maison de jeunes, pour les 12-25 ans.",
      "In een school of jeugdhuis, voor 12- tot 25-jarigen.",
      "In a school or youth centre, for 12 to 25-year-olds.")),
    (5, "L5-CHILDCARE", "Garde d'enfants pendant une activité",
     "Kinderopvang tijdens een activiteit", "Childcare during an activity", Unit.HALF_DAY, 38000,
     ("Deux accueillants qualifiés, jeux et matériel compris.",
      "Twee gekwalificeerde begeleiders, spelletjes en materiaal inbegrepen.",
      "Two qualified carers, games and materials included.")),
    # Lot 6 - evaluation and follow-up
    (6, "L6-REPORT", "Rapport d'évaluation", "Evaluatieverslag", "Evaluation report",
     Unit.LUMP_SUM, 650000,
     ("Analyse du déroulement et des effets du processus, avec recommandations.",
      "Analyse van het verloop en de effecten van het traject, met aanbevelingen.",
      "Analysis of how the process went and what it achieved, with recommendations.")),
    (6, "L6-DAY", "Journée d'accompagnement du suivi", "Dag begeleiding van de opvolging",
     "Follow-up support day", Unit.DAY, 88000,
     ("Appui à l'administration pour suivre les engagements pris.",
      "Ondersteuning van de overheid bij de opvolging van de engagementen.",
      "Support for the public body in following up its commitments.")),
    (6, "L6-SURVEY", "Enquête de satisfaction des participants",
     "Tevredenheidsenquête bij de deelnemers", "Participant satisfaction survey",
     Unit.LUMP_SUM, 240000,
     ("Questionnaire bilingue, papier et en ligne, analyse des réponses.",
      "Tweetalige vragenlijst, op papier en online, analyse van de antwoorden.",
      "Bilingual questionnaire, on paper and online, analysis of the answers.")),
    (6, "L6-INDICATORS", "Cadre d'évaluation et indicateurs", "Evaluatiekader en indicatoren",
     "Evaluation framework and indicators", Unit.LUMP_SUM, 380000,
     ("Défini avec vous dès le départ, pour savoir ce que l'on mesurera et comment.",
      "Samen met u vastgelegd bij de start: wat we meten en hoe.",
      "Set with you at the start: what will be measured, and how.")),
    (6, "L6-FEEDBACK", "Réunion de retour aux participants",
     "Terugkoppelingsmoment met de deelnemers", "Feedback meeting with participants",
     Unit.WORKSHOP, 110000,
     ("Présenter ce qui a été fait des propositions, et pourquoi.",
      "Toelichten wat er met de voorstellen is gebeurd, en waarom.",
      "Showing what became of the proposals, and why.")),
    (6, "L6-FOLLOWUP", "Suivi des recommandations à douze mois",
     "Opvolging van de aanbevelingen na twaalf maanden",
     "Twelve-month follow-up of recommendations", Unit.LUMP_SUM, 520000,
     ("Tableau de suivi public et note d'avancement un an après le processus.",
      "Openbaar opvolgingsoverzicht en voortgangsnota een jaar na het traject.",
      "Public tracking table and progress note one year after the process.")),
]

# name, service languages, contact address, presentation (fr, nl, en)
VENDORS = [
    ("Agora Participation SRL", "fr,nl", "contact.agora@demo.example",
     ("Bureau bruxellois spécialisé en démocratie délibérative. Nous concevons et animons des "
      "panels citoyens et des assemblées tirées au sort depuis 2012.",
      "Brussels bureau gespecialiseerd in deliberatieve democratie. Wij ontwerpen en "
      "begeleiden burgerpanels en burgerraden door loting sinds 2012.",
      "Brussels bureau specialised in deliberative democracy. We have designed and run "
      "citizen panels and assemblies drawn by lot since 2012.")),
    ("Stad in Gesprek VZW", "nl,fr,en", "hallo.stadingesprek@demo.example",
     ("Facilitation de dialogues de quartier. Nos animateurs travaillent en néerlandais, en "
      "français et en anglais, dans les lieux où les habitants se retrouvent déjà.",
      "Begeleiding van buurtdialogen. Onze begeleiders werken in het Nederlands, het Frans en "
      "het Engels, op de plekken waar bewoners elkaar al ontmoeten.",
      "Facilitation of neighbourhood dialogues. Our facilitators work in Dutch, French and "
      "English, in the places where residents already meet.")),
    ("Civic Lab Brussels SC", "fr,nl,en", "hello.civiclab@demo.example",
     ("Laboratoire de participation numérique et hybride : plateformes en ligne, réunions "
      "hybrides et évaluation fondée sur les données.",
      "Lab voor digitale en hybride participatie: onlineplatformen, hybride vergaderingen en "
      "evaluatie op basis van gegevens.",
      "Lab for digital and hybrid participation: online platforms, hybrid meetings and "
      "data-informed evaluation.")),
    ("Dialogue & Territoires ASBL", "fr", "info.dialogue-territoires@demo.example",
     ("Concertation territoriale et urbanisme participatif : diagnostics de quartier, marches "
      "exploratoires et ateliers sur plan.",
      "Territoriaal overleg en participatieve stedenbouw: buurtdiagnoses, "
      "verkenningswandelingen en workshops op kaart.",
      "Territorial consultation and participatory urban planning: neighbourhood diagnoses, "
      "exploratory walks and map-based workshops.")),
    ("Inclusio Participation SRL", "fr,nl", "bonjour.inclusio@demo.example",
     ("Mobilisation des publics éloignés de la participation : permanences de rue, relais "
      "associatifs, jeunes et familles.",
      "Mobilisatie van moeilijk bereikbare doelgroepen: straatpermanenties, verenigingen als "
      "tussenpersoon, jongeren en gezinnen.",
      "Mobilising people who rarely take part: street stands, community relays, young "
      "people and families.")),
    ("Pixel Commun SC", "fr,nl,en", "studio.pixelcommun@demo.example",
     ("Communication et contenus pour les projets citoyens : identité visuelle, vidéo, photo "
      "et textes faciles à lire.",
      "Communicatie en content voor burgerprojecten: visuele identiteit, video, foto en "
      "teksten in eenvoudige taal.",
      "Communication and content for citizen projects: visual identity, video, photography "
      "and easy-to-read texts.")),
    ("Signes & Voix ASBL", "fr,nl", "contact.signes-voix@demo.example",
     ("Accessibilité des processus participatifs : interprétation en langue des signes, "
      "audits d'accessibilité et langage facile à lire.",
      "Toegankelijke participatie: gebarentolken, toegankelijkheidsaudits en eenvoudige "
      "taal.",
      "Accessible participation: sign-language interpreting, accessibility audits and "
      "easy-to-read language.")),
    ("Meten & Weten BV", "nl,en", "info.metenweten@demo.example",
     ("Évaluation de politiques participatives : cadres d'indicateurs, enquêtes et suivi des "
      "recommandations.",
      "Evaluatie van participatiebeleid: indicatorenkaders, enquêtes en opvolging van "
      "aanbevelingen.",
      "Evaluation of participation policies: indicator frameworks, surveys and follow-up of "
      "recommendations.")),
]

# vendor name -> its (valid, made-up) Belgian enterprise number, carried on the order forms
VENDOR_ENTERPRISE_NUMBERS = {
    "Agora Participation SRL": "0412.345.614",
    "Stad in Gesprek VZW": "0423.456.765",
    "Civic Lab Brussels SC": "0434.567.819",
    "Dialogue & Territoires ASBL": "0445.678.970",
    "Inclusio Participation SRL": "0456.789.034",
    "Pixel Commun SC": "0567.890.161",
    "Signes & Voix ASBL": "0678.901.218",
    "Meten & Weten BV": "0789.012.351",
}

# organisation name -> invoicing address, contact name, contact e-mail (the second
# organisation has none, so its buyers see what their order forms lack)
INVOICING_DETAILS = {
    "Commune d'Ixelles / Gemeente Elsene": (
        "Service des finances / Dienst Financiën\nChaussée d'Ixelles 168\n1050 Ixelles",
        "Service des finances", "factures@ixelles.demo.example"),
}

# lot number -> vendor indexes in rank order (a vendor missing from a lot joins at the end)
MEMBERSHIPS = {
    1: [0, 2, 3],
    2: [0, 1, 2, 3, 6],
    3: [1, 0, 4, 6],
    4: [5, 2, 1, 6],
    5: [4, 1, 3],
    6: [2, 3, 0, 7],
}

ORGANISATIONS = [
    ("Commune d'Ixelles / Gemeente Elsene", OrganisationType.COMMUNE, "0207.373.429",
     "buyer1@demo.example", "Claire Dubois", Language.FR),
    ("CPAS de Saint-Gilles / OCMW Sint-Gillis", OrganisationType.CPAS, "0212.345.668",
     "buyer2@demo.example", "Pieter Janssens", Language.NL),
]
