"""操作日志: the append-only operation audit log of system and configuration changes (等保 2.0 level 3)."""
