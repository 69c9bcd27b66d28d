# Mistakes raise before any GPU work, and say what was received.
import webflow as tf

a = tf.ones([2, 3])
b = tf.ones([4, 5])
tf.matmul(a, b)
