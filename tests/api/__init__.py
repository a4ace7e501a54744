"""Tests for the SMM panel API client (custom_components.smm_panel.api)."""
