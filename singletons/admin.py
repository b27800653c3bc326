from django.contrib import admin
from django.shortcuts import redirect


class SingleRowAdmin(admin.ModelAdmin):
    """The admin of a SingleRowModel: no list, no add, no delete; the list opens the form."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        row = self.model.load()
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", row.pk)
