"""The campaign's pages, one module a capability; assessments/urls.py maps them."""
