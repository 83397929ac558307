"""Execution after assignment (DESIGN §9): the order form, delivery and receipt.

It sits above the assignment (DESIGN §7): the orders and the assignment never import it.
"""
