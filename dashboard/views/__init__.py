"""One module per page; each has `render()`, called by st.navigation."""
