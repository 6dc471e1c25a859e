"""Why each entity has its status, in words: the reasons shared by many entities (``reasons``), one
entity's cascade step by step (``derivation``), its largest look-through chains (``chains``), and the
per-entity verdict built from them on demand (``explainer``). Read-only over the engine's figures."""
