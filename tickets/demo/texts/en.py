"""English demo conversations."""

SCENARIOS = {
    "printer": (
        "Printer on the 2nd floor prints blank pages",
        "Hello,\n\nthe HP LaserJet next to the kitchen on the 2nd floor only prints blank pages since this "
        "morning. I already switched it off and on again. Could someone have a look? We need it for the "
        "contracts that go out today.",
        "Hello,\n\nthank you for the report. The toner cartridge was empty although the display did not say so. "
        "We replaced it and printed a test page. Please try again and let us know if it works.",
    ),
    "vpn": (
        "VPN disconnects every few minutes",
        "Hi,\n\nwhen I work from home the VPN connection drops every 5-10 minutes and I have to log in again. "
        "It started after the Windows update last week. My colleagues in the same team do not have the problem.",
        "Hi,\n\nyour VPN client is still on an old version that does not work well with the latest Windows "
        "update. Please install version 5.2 from the Software Center and restart your laptop afterwards.",
    ),
    "password": (
        "Password expired, cannot log in",
        "Good morning,\n\nmy password expired over the weekend and now I cannot log in to my computer or to "
        "email. I am writing from my phone. Can you please reset it?",
        "Good morning,\n\nwe have reset your password. The temporary password was sent to your phone by SMS; "
        "you will be asked to choose a new one at the first login.",
    ),
    "payroll": (
        "Overtime missing on my payslip",
        "Dear HR team,\n\nmy payslip for last month does not include the 12 hours of overtime I worked during "
        "the inventory. My manager approved them in the system on the 28th. Could you check, please?",
        "Dear colleague,\n\nthe approval arrived after the payroll cut-off date. The overtime will be paid with "
        "this month's salary; you will see it as a separate line on the payslip.",
    ),
    "heating": (
        "No heating in meeting room Oak",
        "Hello,\n\nthe radiators in meeting room Oak are cold and it is only 16 degrees in there. We have a "
        "customer workshop in the room tomorrow morning.",
        "Hello,\n\nthe valve of the radiator circuit was closed after the maintenance last week. Our technician "
        "opened it; the room should be warm within two hours.",
    ),
    "invoice": (
        "Wrong VAT number on invoice",
        "Hello,\n\nthe invoice we received for the annual licence shows our old VAT number. Our accounting "
        "department cannot book it like this. Please send a corrected invoice.",
        "Hello,\n\nwe apologise for the mistake. We have updated your company data and attached the corrected "
        "invoice; the original one has been cancelled.",
    ),
    "laptop": (
        "Laptop for a new employee starting Monday",
        "Hi,\n\na new colleague, Sarah Miller, joins the sales team on Monday. She needs a laptop with the "
        "standard setup, a headset and access to the CRM.",
        "Hi,\n\nthe laptop is prepared and the accounts are created. Sarah can pick everything up at the IT "
        "desk on Monday from 8:30; the initial password will be handed over in person.",
    ),
    "email": (
        "Mailbox full, cannot send email",
        "Hello,\n\nOutlook says that my mailbox is full and I can no longer send messages. I already deleted "
        "some old emails but the message is still there.",
        "Hello,\n\nwe enabled the online archive for your mailbox; emails older than two years will move there "
        "automatically tonight. Until then we have raised your quota so that you can send again.",
    ),
}
# A customer who writes again before anyone answered (the new ticket is merged into the first).
REMINDER = (
    "I am writing again about my request from earlier today: "
    "it is still not solved and it is getting urgent. Could you please tell me where things stand?"
)

FOLLOW_UPS = [
    "Thanks for the quick answer. Unfortunately the problem came back this afternoon.",
    "I tried that, but it still does not work. Could you call me? My extension is 2417.",
    "One more question: does this also apply to my colleagues in the same department?",
    "Sorry for the late reply, I was out of the office. I will test it tomorrow morning.",
    "Attached you will find a screenshot of the error message.",
]
THANKS = [
    "It works now, thank you very much!",
    "Everything is fine again. Thanks for your help, the ticket can be closed.",
    "Great, thank you. Have a nice day!",
]
AGENT_REPLIES = [
    "Could you please tell us when exactly the problem occurs and whether there is an error message?",
    "We are still working on it and will get back to you by tomorrow at the latest.",
    "We have forwarded your request to our specialists; you will hear from us soon.",
    "Please try again now; we have made a change on our side.",
]
NOTES = [
    "Called the customer, could not reach them. Will try again in the afternoon.",
    "Checked the logs: the same error appears for three other users since Tuesday.",
    "Vendor support case opened, reference 48213.",
    "Spare part ordered, delivery expected on Thursday.",
    "Known issue, see the related ticket. Workaround applied.",
]
SIGN_OFF = "Best regards,"
