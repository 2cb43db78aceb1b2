"""Generated from CLDR's es_MX data, through Babel, by
`python -m binatsec.devtools.cldr`; do not edit."""

DECIMAL = '.'
GROUP = ','
# Digits a number needs before its thousands are grouped (1,500 or 1500).
MIN_GROUPING = 1
PERCENT = '{0}%'
# Millions by plural form: 1 millón, 3.9 millones, 3,000 millones.
MILLION = {'one': '{0} millón', 'other': '{0} millones'}
UNITS = {'kg': {'other': '{0} kg'}, 'lb': {'other': '{0} lb'}}
