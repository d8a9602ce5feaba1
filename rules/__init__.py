"""The law as data: clause catalogues and rule packs (installed as ``gongkai.law``)."""
