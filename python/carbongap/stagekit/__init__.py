"""What a stage is built with: its declaration and context (``stage``), the output writer
(``writer``), in-memory evaluation of stages under other configurations (``evaluate``) and
the capabilities a stage may require (``capabilities``). Below ``stages``; the runner and
the registry (``carbongap.pipeline``) sit above both."""
