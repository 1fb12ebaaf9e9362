"""Forms explain errors in plain Danish next to the field, with a summary that links to each."""

import re

from django.urls import reverse


def test_errors_sit_next_to_their_field_and_are_summarised_with_links(client, hr_user, db):
    client.force_login(hr_user)
    page = client.post(reverse("round_create"), {"name": ""}).content.decode()
    assert "Ret venligst følgende" in page
    name_input = re.search(r"<input[^>]*id=\"id_name\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name_helptext id_name_error"' in name_input
    assert re.search(r'id="id_name_error">\s*<p>Dette felt er påkrævet\.</p>', page)
    assert '<a href="#id_name">' in page


def test_a_wrong_login_says_so_in_danish(client, employee):
    page = client.post(reverse("login"), {"username": "anne", "password": "forkert"})
    assert "Indtast venligst korrekt brugernavn og adgangskode" in page.content.decode()
