from django.contrib.auth.models import Group

from gmc.permissions import ORGANISER_PERMISSIONS, ORGANISERS_GROUP, sync_organiser_group


def group_permissions() -> set[str]:
    group = Group.objects.get(name=ORGANISERS_GROUP)
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_migrate_creates_the_organisers_group_with_exactly_its_permissions(db):
    # The test database was built by migrate, whose post_migrate signal synced the group.
    assert group_permissions() == set(ORGANISER_PERMISSIONS)


def test_every_listed_permission_exists_and_sync_is_repeatable(db):
    assert len(ORGANISER_PERMISSIONS) == len(set(ORGANISER_PERMISSIONS))
    assert sync_organiser_group() == []
    Group.objects.get(name=ORGANISERS_GROUP).permissions.clear()
    assert sync_organiser_group() == []
    assert sync_organiser_group() == []
    assert group_permissions() == set(ORGANISER_PERMISSIONS)
    assert Group.objects.filter(name=ORGANISERS_GROUP).count() == 1


def test_organisers_edit_content_but_not_accounts_or_permissions(db, staff_organiser):
    for permission in [
        "gmc.change_edition",
        "gmc.add_newsarticle",
        "gmc.delete_publication",
        "gmc.change_alliancemember",
        "gmc.view_user",
    ]:
        assert staff_organiser.has_perm(permission)
    for permission in [
        "gmc.delete_user",
        "gmc.change_user",
        "gmc.add_user",
        "auth.change_group",
        "auth.change_permission",
        "auth.add_group",
        "gmc.delete_edition",
    ]:
        assert not staff_organiser.has_perm(permission)
