"""Short made-up news articles (written for these tests) and hand-spun copies of them."""

ARTICLES = {
    "harbour": (
        "Harbour strike ends after talks",
        "Dock workers in Port Elwin returned to work on Monday after a nine-day strike that "
        "left more than 40 container ships waiting outside the harbour. The union said the "
        "agreement would raise wages by 6% over two years and limit night shifts.\n\n"
        "The port authority's office said at least 5,000 people had been affected by delays to "
        "food and fuel deliveries. Mayor Ingrid Solberg thanked both sides for ending the "
        "dispute and said the city would review how it plans for future stoppages.\n\n"
        "Shipping firms warned that clearing the backlog could take another week.",
    ),
    "orchard": (
        "Late frost hits apple growers",
        "Apple growers in the Varden valley expect their smallest harvest in a decade after a "
        "late frost damaged blossom across 3,200 hectares of orchards. The farmers' cooperative "
        "estimated losses of about 18 million euros and asked the regional government for "
        "emergency support.\n\n"
        "Agronomist Pieter Gaal said many trees would recover next year, but young plantings "
        "were badly hit. Supermarkets are expected to import more fruit from the south to keep "
        "prices stable through the winter.",
    ),
    "library": (
        "City library reopens after renovation",
        "The central library of Marlow Bay reopened its doors on Saturday after a two-year "
        "renovation that cost 14 million pounds. The building now has a children's floor, a "
        "recording studio and study rooms that can be booked online.\n\n"
        "Head librarian Dora Quint said visitor numbers on the first day passed 3,000, far more "
        "than expected. The council hopes the library will become a meeting place for the whole "
        "community and plans evening courses in languages and computing from March.",
    ),
    "rail": (
        "Night trains return to northern line",
        "Overnight passenger trains will run again between Kessel and Aarvik from next month, "
        "ending a gap of eleven years. The rail operator said sleeper carriages had been rebuilt "
        "and that tickets would go on sale on 1 October.\n\n"
        "Transport minister Hanna Roos called the decision a victory for travellers who prefer "
        "trains to short flights. Environmental groups welcomed the plan but urged the "
        "government to cut track charges so that fares stay affordable.",
    ),
    "clinic": (
        "Rural clinics to share doctors by video",
        "Twelve rural clinics in the Oster region will begin offering video appointments with "
        "specialists in the capital, the health department announced on Thursday. Patients will "
        "be able to see a cardiologist or dermatologist without travelling up to 200 kilometres."
        "\n\nDr Selma Brandt, who leads the project, said the first trial had cut waiting times "
        "by half. Critics worry that older patients may struggle with the technology, and the "
        "department has promised staff to help them at each clinic.",
    ),
}

# The harbour story run through a spinner by hand: synonym swaps, multi-word swaps, names,
# numbers and the quote untouched.
SPUN_HARBOUR = (
    "Dock employees in Port Elwin went back to work on Monday after a nine-day strike that "
    "left greater than 40 container ships ready outside the harbour. The union mentioned the "
    "settlement would increase wages by 6% over two years and restrict night shifts.\n\n"
    "The port authority's workplace mentioned no less than 5,000 individuals had been affected "
    "by delays to meals and gas deliveries. Mayor Ingrid Solberg thanked each sides for ending "
    "the dispute and mentioned the town would evaluate how it plans for future stoppages.\n\n"
    "Shipping companies warned that clearing the backlog could take any other week."
)

UNRELATED = (
    "Scientists at a mountain observatory have recorded an unusually bright meteor shower, "
    "with more than 120 meteors an hour at its peak on Wednesday night. Astronomer Lena Voss "
    "said clear skies and a new moon made the display easy to see from dark places, and she "
    "encouraged families to look north-east after midnight during the coming nights."
)
