"""The network edge: everything between a URL and a decoded page.

``client`` (the Fetcher), ``policy`` (statuses, retries, waits, the breaker),
``limits`` (head, body and page checks), ``hosts`` (politeness), ``robots``,
``urls`` (host_map, redirect hosts), ``charset`` and ``page`` (bytes to text),
``recording`` (record and replay a run's responses).
"""
