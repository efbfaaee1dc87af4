from edi837.cli import main

raise SystemExit(main())
