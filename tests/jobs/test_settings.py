"""Settings from the environment: engine threads per run, the signing secret and the API's
result-page cache."""

import pytest

from api.context import CONTEXT_KEY
from api.result_pages import DEFAULT_BUDGET_BYTES
from cli.system import build_system
from data.storage import S3Settings
from jobs.settings import MIB, Settings, SettingsError
from jobs.work import child_env, threads_per_run
from tests.jobs.factories import make_settings


def test_polars_and_duckdb_threads_are_read_from_the_environment(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_POLARS_THREADS": "3", "INTENT_DUCKDB_THREADS": "5"}
    settings = Settings.from_env(env)
    assert (settings.polars_threads, settings.duckdb_threads) == (3, 5)


def test_engine_threads_below_one_are_refused_naming_the_variable(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_POLARS_THREADS": "0"}
    with pytest.raises(SettingsError, match="INTENT_POLARS_THREADS"):
        Settings.from_env(env)


def test_unset_engine_threads_share_the_cores_among_the_worker_threads(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert threads_per_run(None, worker_threads=3) == 2


def test_engine_threads_are_at_least_one_when_workers_outnumber_cores(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert threads_per_run(None, worker_threads=4) == 1


def test_configured_engine_threads_win_over_the_core_share() -> None:
    assert threads_per_run(6, worker_threads=4) == 6


def test_run_children_get_the_polars_thread_cap(tmp_path, dataset) -> None:
    settings = make_settings(tmp_path, dataset, polars_threads=3)
    assert child_env(settings) == {"POLARS_MAX_THREADS": "3"}


def test_reading_settings_writes_nothing(tmp_path) -> None:
    Settings.from_env({"INTENT_HOME": str(tmp_path / "home")})
    assert not (tmp_path / "home").exists()


def test_signing_key_is_generated_once_and_kept_under_home(tmp_path) -> None:
    settings = Settings.from_env({"INTENT_HOME": str(tmp_path)})
    first = settings.signing_key()
    assert Settings.from_env({"INTENT_HOME": str(tmp_path)}).signing_key() == first
    assert (tmp_path / "signing.secret").stat().st_mode & 0o777 == 0o600


def test_signing_secret_from_the_environment_is_used_and_nothing_is_kept(tmp_path) -> None:
    settings = Settings.from_env({"INTENT_HOME": str(tmp_path), "INTENT_SIGNING_SECRET": "s3"})
    assert settings.signing_key() == "s3"
    assert not (tmp_path / "signing.secret").exists()


def test_page_cache_defaults_to_the_api_default_budget(tmp_path) -> None:
    settings = Settings.from_env({"INTENT_HOME": str(tmp_path)})
    assert settings.page_cache_mb == 1024
    assert settings.page_cache_bytes == DEFAULT_BUDGET_BYTES


def test_page_cache_megabytes_are_read_from_the_environment(tmp_path) -> None:
    settings = Settings.from_env({"INTENT_HOME": str(tmp_path), "INTENT_PAGE_CACHE_MB": "64"})
    assert settings.page_cache_bytes == 64 * MIB


@pytest.mark.parametrize("raw", ["-5", "1.5", "lots"])
def test_unusable_page_cache_sizes_are_refused_naming_the_variable(tmp_path, raw) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_PAGE_CACHE_MB": raw}
    with pytest.raises(SettingsError, match=f"INTENT_PAGE_CACHE_MB .*{raw}"):
        Settings.from_env(env)


def test_served_app_keeps_result_pages_within_the_configured_budget(tmp_path, dataset) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_DATASET": str(dataset)}
    system = build_system(Settings.from_env(env | {"INTENT_PAGE_CACHE_MB": "3"}))
    try:
        assert system.app.state[CONTEXT_KEY].pages.groups.maxsize == 3 * MIB
    finally:
        system.services.broker.close()  # never started: nothing else to stop


def test_public_url_is_read_without_its_trailing_slash(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_PUBLIC_URL": "https://api.example.com/intent/"}
    assert Settings.from_env(env).public_url == "https://api.example.com/intent"


@pytest.mark.parametrize(
    "raw", ["api.example.com", "ftp://api.example.com", "https://", "https://a.example/?x=1"]
)
def test_unusable_public_urls_are_refused_naming_the_variable(tmp_path, raw) -> None:
    with pytest.raises(SettingsError, match="INTENT_PUBLIC_URL"):
        Settings.from_env({"INTENT_HOME": str(tmp_path), "INTENT_PUBLIC_URL": raw})


def test_trusted_proxies_are_addresses_and_networks(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_TRUSTED_PROXIES": "10.0.0.0/8, ::1,192.0.2.7"}
    assert [str(n) for n in Settings.from_env(env).trusted_proxies] == [
        "10.0.0.0/8",
        "::1/128",
        "192.0.2.7/32",
    ]


def test_no_proxy_is_trusted_by_default(tmp_path) -> None:
    assert Settings.from_env({"INTENT_HOME": str(tmp_path)}).trusted_proxies == ()


def test_unusable_trusted_proxies_are_refused_naming_the_variable(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}
    with pytest.raises(SettingsError, match="INTENT_TRUSTED_PROXIES"):
        Settings.from_env(env)


def test_object_storage_is_configured_by_the_standard_aws_variables(tmp_path) -> None:
    env = {
        "INTENT_HOME": str(tmp_path),
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000/",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "eu-west-1",
    }
    s3 = Settings.from_env(env).s3
    assert (s3.endpoint_url, s3.access_key_id, s3.secret_access_key, s3.region) == (
        "http://127.0.0.1:9000",
        "key",
        "secret",
        "eu-west-1",
    )


def test_temporary_keys_come_with_their_session_token_and_stay_out_of_the_repr(tmp_path) -> None:
    env = {
        "INTENT_HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": "token",
    }
    s3 = Settings.from_env(env).s3
    assert s3.session_token == "token"
    assert "secret" not in repr(s3)
    assert "token" not in repr(s3)


def test_unset_aws_variables_leave_object_storage_to_the_aws_defaults(tmp_path) -> None:
    assert Settings.from_env({"INTENT_HOME": str(tmp_path)}).s3 == S3Settings()


def test_an_unusable_endpoint_is_refused_naming_the_variable(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "AWS_ENDPOINT_URL": "127.0.0.1:9000"}
    with pytest.raises(SettingsError, match="AWS_ENDPOINT_URL"):
        Settings.from_env(env)


def test_a_dataset_in_an_object_store_is_kept_as_its_location(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_DATASET": "s3://bucket/some/prefix"}
    assert Settings.from_env(env).dataset == "s3://bucket/some/prefix"
    env["INTENT_DATASET"] = str(tmp_path / "dataset")
    assert Settings.from_env(env).dataset == str(tmp_path / "dataset")


def test_the_header_deadline_is_ten_seconds_unless_set(tmp_path) -> None:
    assert Settings.from_env({"INTENT_HOME": str(tmp_path)}).header_timeout_seconds == 10
    env = {"INTENT_HOME": str(tmp_path), "INTENT_HEADER_TIMEOUT_SECONDS": "2"}
    assert Settings.from_env(env).header_timeout_seconds == 2


def test_a_header_deadline_below_one_second_is_refused_naming_the_variable(tmp_path) -> None:
    env = {"INTENT_HOME": str(tmp_path), "INTENT_HEADER_TIMEOUT_SECONDS": "0"}
    with pytest.raises(SettingsError, match="INTENT_HEADER_TIMEOUT_SECONDS"):
        Settings.from_env(env)
