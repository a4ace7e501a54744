"""Tests of the fake panel itself: it must behave like a real SMM panel."""
