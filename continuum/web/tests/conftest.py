from continuum.web.tests.browser import browser, page  # noqa: F401  (fixtures)
