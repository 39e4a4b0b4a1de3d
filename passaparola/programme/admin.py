from django.contrib import admin

from passaparola.programme.models import Programme

admin.site.register(Programme)
