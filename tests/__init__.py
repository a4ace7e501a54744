"""Tests for the SMM Panel integration."""
