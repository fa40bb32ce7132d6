"""Demo conversations per language: a module each with SCENARIOS and the reply pools."""

from tickets.demo.texts import cs, en, pl, ru

BY_LANGUAGE = {"en": en, "ru": ru, "pl": pl, "cs": cs}

# Where each scenario lands, its category (parent, child) and tags.
SCENARIO_ROUTING = {
    "printer": ("1st level", ("Hardware", "Printer"), ["printer", "hardware"]),
    "vpn": ("IT", ("Network", "VPN"), ["vpn", "network"]),
    "password": ("1st level", ("Accounts", "Password"), ["password"]),
    "payroll": ("HR", ("HR", "Payroll"), ["payroll"]),
    "heating": ("Facilities", ("Facilities", "Heating"), ["heating"]),
    "invoice": ("Sales", ("Billing", "Invoice"), ["invoice"]),
    "laptop": ("IT", ("Hardware", "Laptop"), ["hardware", "onboarding"]),
    "email": ("1st level", ("Software", "Email"), ["email"]),
}
