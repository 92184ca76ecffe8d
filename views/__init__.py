"""Pure figure builders and frame sets: data in, Plotly figure (or frames) out; no Dash.

A section module (components/) lays out its figures and wires its controls; the drawing itself lives
here, one module per figure family, so it can be built and tested without a server.
"""
