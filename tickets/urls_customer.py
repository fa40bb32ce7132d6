
app_name = "customer"
urlpatterns: list = []
