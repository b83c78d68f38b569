"""The observations joined with the catalogue's columns, as ``Dataset.enriched`` keeps it per data version."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import Catalogue


def build_enriched(obs: pd.DataFrame, cat: Catalogue, challenges: pd.DataFrame) -> pd.DataFrame:
    """Observations with the catalogue's columns added (``Dataset.enriched`` keeps it per data set).

    The new columns are categoricals mapped from ``kpi_code``; the observation
    columns are shared with the original frame, not copied, so a million rows
    cost a few megabytes more, not a second copy of the data.
    """
    meta = pd.DataFrame([{
        "kpi_code": k.code, "dimension": k.dimension, "sub_dimension": k.sub_dimension_code,
        "category": k.category_code, "kpi_name_en": k.name_en, "kpi_name_nb": k.name_nb,
    } for k in cat]).set_index("kpi_code")
    areas = challenges.groupby("kpi_code")["area"].agg(lambda s: ",".join(sorted(set(s)))) \
        if not challenges.empty else pd.Series(dtype="string")
    meta["challenge_area"] = pd.Series(meta.index, index=meta.index).map(areas).fillna("")
    codes = obs["kpi_code"].astype("category") if str(obs["kpi_code"].dtype) != "category" else obs["kpi_code"]
    cats = codes.cat.categories
    positions = codes.cat.codes.to_numpy()
    columns = {}
    for col in ("dimension", "sub_dimension", "category", "kpi_name_en", "kpi_name_nb", "challenge_area"):
        per_cat = meta[col].reindex(cats).fillna("").astype(str).to_numpy()
        uniq, inverse = np.unique(per_cat, return_inverse=True)
        columns[col] = pd.Categorical.from_codes(inverse[positions], categories=uniq)
    extra = pd.DataFrame(columns, index=obs.index)
    df = pd.concat([obs, extra], axis=1)  # copy-on-write: the observation columns are shared, not copied
    for c in ("kpi_code", "municipality_code", "municipality_name", "data_point", "status", "verified"):
        if str(df[c].dtype) != "category":
            df[c] = df[c].astype(str).astype("category")
    return df
