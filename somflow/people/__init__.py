"""The unit's people: how two ways of writing a person are compared, and the one register of them.

``match`` holds the only comparison of people in somflow (every plugin and the inbox call it);
``register`` holds the children, staff and volunteers the plugins link their records to.
"""
