"""Rendering of results for people and scripts: text tables, JSON, CSV, XML.

Renderers mask member data through :mod:`edi837.phi`; amounts are written as decimal strings.
"""
