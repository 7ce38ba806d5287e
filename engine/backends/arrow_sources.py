"""Input files inside an object store's filesystem, as pyarrow datasets: what DuckDB scans there,
and Polars when the inputs name no client of its own for the store. `people_prefilter` also
gives Polars' own scan of the store the same ranges, as a Polars expression.

The engines push their column selection and simple row filters into these scans, and pyarrow
skips row groups by their statistics. ICP filters compare folded strings, which no scan can
prune by; `people_dataset` adds the raw-column ranges those folds come from (as the DuckDB SQL
does beside its exact predicate), so only the people row groups the filters keep are fetched.
"""

from collections.abc import Callable, Sequence
from typing import Any

import pyarrow.fs as pafs

from engine.backends.folding import folded_values, pruning_ranges
from engine.config import AudienceConfig
from engine.config_filters import ValuesFilter
from engine.filters import BY_KEY, FilterKind


def dataset(files: Sequence[str], filesystem: pafs.FileSystem) -> Any:
    """A parquet dataset of `files` on `filesystem`."""
    import pyarrow.dataset as ds

    return ds.dataset(list(files), filesystem=filesystem, format="parquet")


def people_dataset(
    files: Sequence[str], filesystem: pafs.FileSystem, config: AudienceConfig
) -> Any:
    """The people dataset, narrowed to the raw-value ranges of the config's clustered filters."""
    people = dataset(files, filesystem)
    prefilter = people_prefilter(config)
    return people if prefilter is None else people.filter(prefilter)


def people_prefilter(config: AudienceConfig, field: Callable[[str], Any] | None = None) -> Any:
    """An expression rows outside of which fail some filter, built with `field` (pyarrow's
    `pc.field` when None; `pl.col` makes it a Polars expression); None when no filter is on a
    clustered column."""
    if field is None:
        import pyarrow.compute as pc

        field = pc.field
    terms = [term for f in config.filters if (term := _ranges(f, field)) is not None]
    if not terms:
        return None
    combined = terms[0]
    for term in terms[1:]:
        combined = combined & term
    return combined


def _ranges(f: object, field: Callable[[str], Any]) -> Any:
    if not isinstance(f, ValuesFilter):
        return None
    spec = BY_KEY[f.key]
    if spec.kind is FilterKind.DOMAINS:
        return None
    ranges = pruning_ranges(spec.column, folded_values(f.values))
    if not ranges:
        return None
    column = field(spec.column)
    within = [(column >= low) & (column <= high) for low, high in ranges]
    combined = within[0]
    for term in within[1:]:
        combined = combined | term
    return combined
