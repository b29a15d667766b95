"""The browser UI: server-rendered pages over the same use cases, access rules and views as
the API, with cookie sessions, CSRF-protected forms and en/es/fr through gettext."""
