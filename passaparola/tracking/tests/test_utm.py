"""Properties of merge_utm: the destination keeps what it had and gains each UTM value once."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from passaparola.lib.utm import add_param, merge_utm

UTM_NAMES = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"]
SAFE = st.characters(
    whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="-._~", max_codepoint=0x7F
)

hosts = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){1,2}(:[0-9]{2,5})?\Z")
paths = st.lists(st.text(SAFE, min_size=1, max_size=12), max_size=4).map(
    lambda segments: "".join(f"/{segment}" for segment in segments)
)
names = st.one_of(st.sampled_from(UTM_NAMES), st.text(min_size=1, max_size=12))
existing_params = st.lists(st.tuples(names, st.text(max_size=20)), max_size=6)
fragments = st.one_of(st.just(""), st.text(SAFE, min_size=1, max_size=20))
utm_params = st.dictionaries(
    st.sampled_from(UTM_NAMES), st.text(min_size=1, max_size=30), min_size=1
)


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], str]:
    """Return a destination address, the parameters in its query and its fragment."""
    scheme = draw(st.sampled_from(["http", "https"]))
    params = draw(existing_params)
    fragment = draw(fragments)
    url = urlunsplit((scheme, draw(hosts), draw(paths), urlencode(params), fragment))
    return url, params, fragment


@given(urls(), utm_params)
@settings(deadline=None)  # a busy machine is not a failure
def test_the_result_parses_back_to_the_same_place(
    destination: tuple[str, list[tuple[str, str]], str], params: dict[str, str]
) -> None:
    url, _existing, fragment = destination

    merged = urlsplit(merge_utm(url, params))

    original = urlsplit(url)
    assert (merged.scheme, merged.netloc, merged.path) == (
        original.scheme,
        original.netloc,
        original.path,
    )
    assert merged.fragment == fragment


@given(urls(), utm_params)
@settings(deadline=None)  # a busy machine is not a failure
def test_existing_parameters_are_kept_in_order(
    destination: tuple[str, list[tuple[str, str]], str], params: dict[str, str]
) -> None:
    url, existing, _fragment = destination

    merged = parse_qsl(urlsplit(merge_utm(url, params)).query, keep_blank_values=True)

    assert merged[: len(existing)] == existing


@given(urls(), utm_params)
@settings(deadline=None)  # a busy machine is not a failure
def test_each_utm_value_is_added_exactly_once_unless_the_address_has_it(
    destination: tuple[str, list[tuple[str, str]], str], params: dict[str, str]
) -> None:
    url, existing, _fragment = destination
    present = {name for name, _value in existing}

    merged = parse_qsl(urlsplit(merge_utm(url, params)).query, keep_blank_values=True)

    added = merged[len(existing) :]
    expected = [(name, value) for name, value in params.items() if name not in present]
    assert added == expected
    for name in params:
        assert sum(1 for key, _value in merged if key == name) == max(
            1, sum(1 for key, _value in existing if key == name)
        )


@given(urls(), utm_params)
@settings(deadline=None)  # a busy machine is not a failure
def test_utm_values_already_in_the_address_win(
    destination: tuple[str, list[tuple[str, str]], str], params: dict[str, str]
) -> None:
    url, existing, _fragment = destination

    merged = parse_qsl(urlsplit(merge_utm(url, params)).query, keep_blank_values=True)

    for name in params:
        theirs = [value for key, value in existing if key == name]
        ours = [value for key, value in merged if key == name]
        assert ours == (theirs or [params[name]])


@given(urls(), utm_params)
@settings(deadline=None)  # a busy machine is not a failure
def test_merging_twice_changes_nothing_more(
    destination: tuple[str, list[tuple[str, str]], str], params: dict[str, str]
) -> None:
    url, _existing, _fragment = destination

    once = merge_utm(url, params)

    assert merge_utm(once, params) == once


def test_a_typical_post_address_gets_its_utm_parameters() -> None:
    merged = merge_utm(
        "https://example.com/news/factory?ref=home#top",
        {"utm_source": "linkedin", "utm_medium": "social", "utm_content": "Ab3dE"},
    )

    assert merged == (
        "https://example.com/news/factory?ref=home"
        "&utm_source=linkedin&utm_medium=social&utm_content=Ab3dE#top"
    )


click_ids = st.text(
    st.characters(
        whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=0x7F, whitelist_characters="-"
    ),
    min_size=1,
    max_size=50,
)


@given(urls(), utm_params, click_ids)
@settings(deadline=None)
def test_the_click_id_comes_last_and_leaves_the_rest_alone(
    destination: tuple[str, list[tuple[str, str]], str], params: dict[str, str], click: str
) -> None:
    url, _existing, fragment = destination
    merged = merge_utm(url, params)

    tagged = urlsplit(add_param(merged, "pp_click", click))

    query = parse_qsl(tagged.query, keep_blank_values=True)
    assert query[-1] == ("pp_click", click)
    assert query[:-1] == parse_qsl(urlsplit(merged).query, keep_blank_values=True)
    assert tagged.fragment == fragment
    assert (tagged.scheme, tagged.netloc, tagged.path) == urlsplit(merged)[:3]


@given(st.text(max_size=80), utm_params)
@settings(deadline=None)
def test_any_text_as_an_address_never_raises(url: str, params: dict[str, str]) -> None:
    merged = merge_utm(url, params)

    assert isinstance(merged, str)


def test_an_address_python_cannot_split_is_left_alone() -> None:
    assert merge_utm("http://[::1", {"utm_source": "x"}) == "http://[::1"
