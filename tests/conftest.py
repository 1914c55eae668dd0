import os
import sys

# Lets test modules in subfolders import the shared helpers in this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
