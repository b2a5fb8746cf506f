"""Compact built-in gazetteer for :mod:`redflags.extract.places`.

One line per city: ``name|region|country|flags|aliases``.

* ``region`` is the US state / Canadian province code, or an ISO 3166-2 subdivision code
  elsewhere (empty when not useful);
* ``flags``: ``c`` the name is an ordinary word or a person's name, so it must be written with a
  capital letter *and* have context ("in Mobile", "Mobile, AL", "Mobile area"); ``u`` it must be
  capitalised only;
* ``aliases`` (``;``-separated) are matched like the name; a leading ``=`` marks an alias that
  must appear exactly in that case ("=LA", "=ATL"), ``c``/``u`` after ``!`` give it a flag.

Repeating a line adds aliases.  Names and aliases are written as the *folded* text spells
them (accents removed, "й" -> "и"); unfolded spellings may be added as aliases.  The first line
of a repeated name is its default when neither a state code nor the ad's country decides.
"""

from __future__ import annotations

__all__ = ["CITY_TABLE", "COUNTRY_NAMES", "PROVINCES", "US_STATES"]

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico",
}

PROVINCES: dict[str, str] = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario",
    "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
}

#: Country names and codes as written in ads or ad fields -> ISO 3166-1 alpha-2.
COUNTRY_NAMES: dict[str, str] = {
    "us": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US",
    "united states of america": "US", "america": "US", "estados unidos": "US", "eeuu": "US",
    "сша": "US",
    "gb": "GB", "uk": "GB", "u.k.": "GB", "united kingdom": "GB", "great britain": "GB",
    "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB",
    "ca": "CA", "canada": "CA", "mx": "MX", "mexico": "MX", "es": "ES", "spain": "ES",
    "espana": "ES", "españa": "ES", "co": "CO", "colombia": "CO", "ar": "AR",
    "argentina": "AR", "cl": "CL", "chile": "CL", "pe": "PE", "peru": "PE", "ve": "VE",
    "venezuela": "VE", "ec": "EC", "ecuador": "EC", "br": "BR", "brazil": "BR", "brasil": "BR",
    "pr": "PR", "puerto rico": "PR", "do": "DO", "dominican republic": "DO",
    "republica dominicana": "DO", "pa": "PA", "panama": "PA", "cr": "CR", "costa rica": "CR",
    "ru": "RU", "russia": "RU", "russian federation": "RU", "россия": "RU", "рф": "RU",
}

#: ``name|region|country|flags|aliases`` (see the module docstring).
CITY_TABLE = """
london|ENG|GB|u|
birmingham|ENG|GB|u|
manchester|ENG|GB|u|
liverpool|ENG|GB||
leeds|ENG|GB|u|
sheffield|ENG|GB||
bristol|ENG|GB|u|
newcastle|ENG|GB|u|newcastle upon tyne
nottingham|ENG|GB||
leicester|ENG|GB|u|
coventry|ENG|GB|u|
bradford|ENG|GB|c|
edinburgh|SCT|GB||
glasgow|SCT|GB||
aberdeen|SCT|GB|u|
dundee|SCT|GB|u|
cardiff|WLS|GB||
swansea|WLS|GB||
belfast|NIR|GB||
southampton|ENG|GB||
portsmouth|ENG|GB|u|
brighton|ENG|GB|u|
plymouth|ENG|GB|u|
reading|ENG|GB|c|
milton keynes|ENG|GB||
northampton|ENG|GB||
norwich|ENG|GB|u|
luton|ENG|GB||
wolverhampton|ENG|GB||
stoke-on-trent|ENG|GB||stoke on trent
sunderland|ENG|GB|u|
derby|ENG|GB|c|
bath|ENG|GB|c|
oxford|ENG|GB|c|
cambridge|ENG|GB|u|
croydon|ENG|GB||
new york|NY|US||nyc;new york city;manhattan!u;brooklyn!c;bronx;queens!c;staten island
los angeles|CA|US||=LA;l.a.;los angeles county
chicago|IL|US||chitown;chi-town;chi town
houston|TX|US||h-town;htown
phoenix|AZ|US|c|
philadelphia|PA|US||philly
san antonio|TX|US||
san diego|CA|US||
dallas|TX|US|c|=DFW
san jose|CA|US||
austin|TX|US|c|
jacksonville|FL|US||
fort worth|TX|US||ft worth;ft. worth
columbus|OH|US|u|
charlotte|NC|US|c|
indianapolis|IN|US||indy!u
san francisco|CA|US||=SF;frisco!c;san fran
seattle|WA|US||
denver|CO|US|u|
washington|DC|US|c|washington dc;washington d.c.;=DC!c;d.c.
nashville|TN|US||
oklahoma city|OK|US||=OKC
el paso|TX|US||
boston|MA|US||
portland|OR|US|u|=PDX
las vegas|NV|US||vegas
detroit|MI|US||
memphis|TN|US|u|
louisville|KY|US||
baltimore|MD|US||
milwaukee|WI|US||
albuquerque|NM|US||=ABQ
tucson|AZ|US||
fresno|CA|US||
sacramento|CA|US||
kansas city|MO|US||=KC!c;=KCMO
mesa|AZ|US|c|
atlanta|GA|US||=ATL
omaha|NE|US||
colorado springs|CO|US||
raleigh|NC|US|u|
long beach|CA|US||
virginia beach|VA|US||
miami|FL|US||
oakland|CA|US||
minneapolis|MN|US||
tulsa|OK|US||
bakersfield|CA|US||
wichita|KS|US||
arlington|TX|US|u|
aurora|CO|US|c|
tampa|FL|US||
new orleans|LA|US||nola
cleveland|OH|US|u|
honolulu|HI|US||
anaheim|CA|US||
lexington|KY|US|u|
stockton|CA|US|u|
corpus christi|TX|US||
henderson|NV|US|c|
riverside|CA|US|c|
newark|NJ|US|u|
saint paul|MN|US||st paul;st. paul
santa ana|CA|US||
cincinnati|OH|US||cincy
irvine|CA|US|u|
orlando|FL|US|c|
pittsburgh|PA|US||
st louis|MO|US||st. louis;saint louis;=STL
greensboro|NC|US||
jersey city|NJ|US||
anchorage|AK|US||
lincoln|NE|US|c|
plano|TX|US|c|
durham|NC|US|c|
buffalo|NY|US|c|
chandler|AZ|US|c|
chula vista|CA|US||
toledo|OH|US|u|
madison|WI|US|c|
gilbert|AZ|US|c|
reno|NV|US|u|
fort wayne|IN|US||ft wayne
north las vegas|NV|US||
st petersburg|FL|US||st. petersburg;saint petersburg
lubbock|TX|US||
irving|TX|US|c|
laredo|TX|US|u|
winston-salem|NC|US||winston salem
chesapeake|VA|US|u|
glendale|AZ|US|u|
garland|TX|US|c|
scottsdale|AZ|US||
norfolk|VA|US|u|
boise|ID|US||
fremont|CA|US|u|
spokane|WA|US||
santa clarita|CA|US||
baton rouge|LA|US||
richmond|VA|US|u|
hialeah|FL|US||
san bernardino|CA|US||
tacoma|WA|US||
modesto|CA|US||
huntsville|AL|US||
des moines|IA|US||
yonkers|NY|US||
rochester|NY|US|u|
moreno valley|CA|US||
fayetteville|NC|US||
fontana|CA|US|u|
worcester|MA|US|u|
port st lucie|FL|US||port st. lucie;port saint lucie
little rock|AR|US||
augusta|GA|US|c|
oxnard|CA|US||
birmingham|AL|US|u|
montgomery|AL|US|c|
amarillo|TX|US|u|
salt lake city|UT|US||=SLC;salt lake
grand rapids|MI|US||
huntington beach|CA|US||
overland park|KS|US||
tallahassee|FL|US||
grand prairie|TX|US||
mckinney|TX|US|u|
cape coral|FL|US||
sioux falls|SD|US||
providence|RI|US|c|
knoxville|TN|US||
akron|OH|US||
shreveport|LA|US||
mobile|AL|US|c|
brownsville|TX|US||
newport news|VA|US||
fort lauderdale|FL|US||ft lauderdale;ft. lauderdale
chattanooga|TN|US||
tempe|AZ|US|u|
santa rosa|CA|US||
eugene|OR|US|c|
salem|OR|US|c|
rancho cucamonga|CA|US||
oceanside|CA|US|u|
lancaster|CA|US|c|
pembroke pines|FL|US||
fort collins|CO|US||
palmdale|CA|US||
springfield|MO|US|u|
clarksville|TN|US||
rockford|IL|US|u|
alexandria|VA|US|c|
jackson|MS|US|c|
savannah|GA|US|c|
charleston|SC|US|u|
syracuse|NY|US|u|
killeen|TX|US||
hartford|CT|US|u|
atlantic city|NJ|US||
myrtle beach|SC|US||
daytona beach|FL|US||daytona
west palm beach|FL|US||west palm;=WPB
hollywood|FL|US|c|
miami beach|FL|US||
palm springs|CA|US||
bridgeport|CT|US|u|
new haven|CT|US||
columbia|SC|US|c|
albany|NY|US|u|
trenton|NJ|US||
wilmington|DE|US|u|
dayton|OH|US|u|
flint|MI|US|c|
lansing|MI|US|u|
harrisburg|PA|US||
allentown|PA|US||
scranton|PA|US||
peoria|IL|US|u|
champaign|IL|US|c|
evansville|IN|US||
south bend|IN|US||
green bay|WI|US|u|
cedar rapids|IA|US||
fargo|ND|US|u|
billings|MT|US|c|
provo|UT|US||
odessa|TX|US|u|
midland|TX|US|u|
waco|TX|US||
beaumont|TX|US|u|
mcallen|TX|US||
pensacola|FL|US||
gainesville|FL|US||
ocala|FL|US||
lakeland|FL|US|u|
sarasota|FL|US||
naples|FL|US|u|
key west|FL|US||
macon|GA|US|u|
greenville|SC|US|u|
asheville|NC|US||
biloxi|MS|US||
lafayette|LA|US|u|
topeka|KS|US||
ann arbor|MI|US||
kalamazoo|MI|US||
youngstown|OH|US||
santa barbara|CA|US||
bellevue|WA|US|u|
everett|WA|US|c|
olympia|WA|US|c|
san juan|PR|US||
columbus|GA|US|u|
aurora|IL|US|c|
glendale|CA|US|u|
springfield|IL|US|u|
springfield|MA|US|u|
arlington|VA|US|u|
portland|ME|US|u|
kansas city|KS|US||
rochester|MN|US|u|
wilmington|NC|US|u|
toronto|ON|CA||
montreal|QC|CA||
vancouver|BC|CA|u|
calgary|AB|CA||
edmonton|AB|CA||
ottawa|ON|CA||
winnipeg|MB|CA||
quebec city|QC|CA||ville de quebec
hamilton|ON|CA|c|
kitchener|ON|CA|u|
london|ON|CA|u|
victoria|BC|CA|c|
halifax|NS|CA|u|
saskatoon|SK|CA||
regina|SK|CA|c|
mississauga|ON|CA||
brampton|ON|CA||
windsor|ON|CA|u|
niagara falls|ON|CA||
oshawa|ON|CA||
madrid|MD|ES||
barcelona|CT|ES||bcn!u
valencia|VC|ES|u|
sevilla|AN|ES||seville
malaga|AN|ES||
bilbao|PV|ES||
zaragoza|AR|ES||
alicante|VC|ES||
marbella|AN|ES||
ibiza|IB|ES||
palma|IB|ES|c|palma de mallorca
mexico city|CMX|MX||ciudad de mexico;cdmx;=DF!c
guadalajara|JAL|MX||
monterrey|NLE|MX||
tijuana|BCN|MX||
cancun|ROO|MX||
puebla|PUE|MX|u|
bogota|DC|CO||
medellin|ANT|CO||
cali|VAC|CO|c|
cartagena|BOL|CO|u|
barranquilla|ATL|CO||
buenos aires|C|AR||
santiago|RM|CL|u|santiago de chile
lima|LIM|PE|u|
caracas||VE||
quito||EC||
sao paulo|SP|BR||
rio de janeiro|RJ|BR||rio!c
moscow|MOW|RU||москва;москве;москвы;москву;москвой;москвои;мск;moskva
saint petersburg|SPE|RU||санкт-петербург;санкт-петербурге;санкт-петербурга;спб;=SPb;spb
saint petersburg|SPE|RU||петербург;петербурге;петербурга;питер;питере;питера
novosibirsk|NVS|RU||новосибирск;новосибирске;новосибирска
yekaterinburg|SVE|RU||екатеринбург;екатеринбурге;екатеринбурга;екб;ekaterinburg
kazan|TA|RU||казань;казани
sochi|KDA|RU||сочи
krasnodar|KDA|RU||краснодар;краснодаре;краснодара
nizhny novgorod|NIZ|RU||нижний новгород;нижнии новгород;нижнем новгороде;нижнего новгорода
"""

#: Display names where title case is wrong.
DISPLAY: dict[str, str] = {
    "winston-salem": "Winston-Salem", "stoke-on-trent": "Stoke-on-Trent",
    "mckinney": "McKinney", "mcallen": "McAllen", "st louis": "St. Louis",
    "st petersburg": "St. Petersburg", "port st lucie": "Port St. Lucie",
    "washington": "Washington", "sao paulo": "Sao Paulo",
}
