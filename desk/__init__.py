"""The editors' desk: the admin site, what every admin page shares (titles, layout, forms that keep
stored values, image widgets), the dashboard and its weekly series, and the roles as groups."""
