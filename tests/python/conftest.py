import os
import sys

# tests/ holds op_suite.py, shared with the browser tests.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
