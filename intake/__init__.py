"""Ledger import: a creditor's invoices from its ERP (CSV or XLSX) into debtors, invoices and cases."""
