"""Invoices: reading and checking uploaded UBL 2.1 invoices (Peppol BIS Billing 3.0)."""
