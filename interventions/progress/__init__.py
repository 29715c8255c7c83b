"""Progress checks during an intervention: the aim line, the trend and an early warning (README, "Progress
checks"). ``rules`` is the pure arithmetic; ``models``, ``selectors``, ``services``, ``importing``, ``charts``
and ``views`` the rest."""
