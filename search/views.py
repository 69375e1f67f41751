from django.http import HttpResponse, JsonResponse


def search_page(request):
    return HttpResponse("search")


def search_api(request):
    return JsonResponse({"total": 0, "hits": [], "facets": {}})
