"""What every Fordra app uses: money, errors, tenancy, the API error shape."""
