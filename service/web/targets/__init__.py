"""Target pages: agreed KPI, section and commitment targets per selected supplier."""
