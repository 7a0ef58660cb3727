"""Justice: investigations, arrests, charges by statute, prosecutions and dispositions (SPEC C7).

Services never depend on cooperation with an investigation: nothing of the services network
(care, intake, screening) imports this app, and this app imports nothing of care; a test keeps it so.
"""
