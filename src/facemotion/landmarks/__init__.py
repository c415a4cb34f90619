"""landmarks"""
